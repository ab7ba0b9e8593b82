package io.sparkneural.network;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Forward passes over rows given as flat float arrays, so callers need no ND4J types. Not thread-safe: one
 * runner per Spark task (DL4J networks keep per-call workspaces). Closing frees the network's native memory. A
 * network of dense, dropout and output layers runs {@link DenseStack}'s fused forward pass instead of DL4J's
 * {@code output}: three BLAS calls and a few loops for the seed MLP instead of a dozen ND4J ops.
 */
public final class NetworkRunner implements AutoCloseable {
    private final MultiLayerNetwork net;
    private final ExampleLayout layout;
    /** The fused forward pass where the network is a dense stack; null runs DL4J's {@code output}. */
    private final DenseStack dense;
    private boolean closed;

    /** @param layout how rows given by callers (already in DL4J's order) are shaped into a batch */
    public NetworkRunner(NetworkState state, ExampleLayout layout) {
        this.net = state.restoreForInference();
        this.layout = layout;
        this.dense = layout.shape().isSequence() || layout.shape().isImage() ? null : DenseStack.forInference(net);
    }

    /**
     * @param features {@code rows} examples of {@code layout.size()} values, each in DL4J's order
     * @return row-major outputs, {@code rows * outputs} values
     */
    public float[] predict(float[] features, int rows) {
        return predict(features, rows, null);
    }

    /**
     * @param mask for sequences, {@code rows * timesteps} values: 1 for each example's own timesteps, 0 for
     *             padding; null when every example fills all timesteps
     * @return row-major outputs: {@code rows * outputs} values, or {@code rows * outputs * timesteps} for a network
     *         that predicts at every timestep
     */
    public float[] predict(float[] features, int rows, float[] mask) {
        if (closed) throw new IllegalStateException("network runner is closed");
        NativeMemoryGuard.check();
        if (dense != null && mask == null) return dense.predict(features, rows);
        INDArray in = NdArrays.floats(features, layout.batchShape(rows));
        INDArray maskArray = mask == null ? null
                : NdArrays.floats(mask, rows, layout.shape().timesteps());
        INDArray out = net.output(in, false, maskArray, null);
        float[] result = out.dup('c').data().asFloat();
        in.close();
        out.close();
        if (maskArray != null) maskArray.close();
        return result;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (dense != null) dense.release();
            NetworkMemory.release(net);
        }
    }
}
