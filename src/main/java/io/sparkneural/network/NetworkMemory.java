package io.sparkneural.network;

import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Frees a network's native arrays when it is done with.
 *
 * <p>Why not {@code MultiLayerNetwork.close()}: besides freeing the parameters, gradients and optimizer state it
 * destroys every ND4J workspace of the calling thread and calls {@code System.gc()}. The full collection cost 50 ms
 * per call on a small heap (two per epoch per worker: 0.1 s of every epoch of a small network) and stops every other
 * task of the JVM; destroying the thread's workspaces pulls memory from under anything else on that thread that still
 * uses them. The workspaces stay for the thread's next network, which reuses them.
 */
public final class NetworkMemory {
    private NetworkMemory() {}

    public static void release(MultiLayerNetwork net) {
        free(net.params());
        free(net.getFlattenedGradients());
        Updater updater = net.getUpdater(false);
        if (updater != null) free(updater.getStateViewArray());
        LayerHelpers.release(net);
        if (net instanceof TrainingNetwork t) t.releaseScratch();
    }

    private static void free(INDArray array) {
        if (array != null && !array.wasClosed() && array.closeable()) array.close();
    }
}
