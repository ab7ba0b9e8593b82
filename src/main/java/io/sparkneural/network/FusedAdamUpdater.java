package io.sparkneural.network;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * DL4J's {@link MultiLayerUpdater}, except that where the whole network is one block of {@link FlushToZeroAdam}
 * without regularization or gradient normalization, a step is one pass over the flattened gradient: divided by the
 * minibatch size and turned into Adam's step together.
 *
 * <p>Why: DL4J's updater builds views of every parameter and gradient for its regularization check on every step,
 * whether any regularization is set or not, and divides by the minibatch size in an op of its own. On the seed MLP that
 * was 0.2 ms of a 0.85 ms step once {@link DenseStack} had made the forward and backward pass 0.14 ms. Anything else
 * (several blocks, L1/L2 or weight decay, gradient clipping, another optimizer, an external gradient) goes to DL4J's
 * updater, which this one wraps, as does the state the trainer averages and checkpoints.
 */
final class FusedAdamUpdater implements Updater {
    private final MultiLayerNetwork net;
    private final MultiLayerUpdater inner;
    private final float divisorPerRow;

    private FusedAdamUpdater(MultiLayerNetwork net, MultiLayerUpdater inner, boolean miniBatch) {
        this.net = net;
        this.inner = inner;
        this.divisorPerRow = miniBatch ? 1f : 0f;
    }

    /** The fused updater over {@code inner}, or null where it would not compute exactly what {@code inner} does. */
    static FusedAdamUpdater wrap(MultiLayerNetwork net, MultiLayerUpdater inner) {
        List<UpdaterBlock> blocks = inner.getUpdaterBlocks();
        if (blocks.size() != 1 || net.getFlattenedGradients() == null) return null;
        UpdaterBlock block = blocks.get(0);
        if (block.getParamOffsetStart() != 0 || block.getParamOffsetEnd() != net.numParams()
                || !(block.getGradientUpdater() instanceof FlushToZeroAdam.AdamState) || block.isPretrainUpdaterBlock()) {
            return null;
        }
        for (Layer layer : net.getLayers()) {
            if (!(layer.conf().getLayer() instanceof BaseLayer b)) {
                if (layer.numParams() > 0) return null;
                continue;
            }
            GradientNormalization g = b.getGradientNormalization();
            if (g != null && g != GradientNormalization.None) return null;
            for (String param : layer.paramTable().keySet()) {
                List<?> regularization = b.getRegularizationByParam(param);
                if (regularization != null && !regularization.isEmpty()) return null;
            }
        }
        return new FusedAdamUpdater(net, inner, net.conf().isMiniBatch());
    }

    MultiLayerUpdater inner() {
        return inner;
    }

    @Override
    public void update(Trainable layer, Gradient gradient, int iteration, int epoch, int batchSize,
                       LayerWorkspaceMgr workspaceMgr) {
        INDArray flat = net.getFlattenedGradients();
        UpdaterBlock block = inner.getUpdaterBlocks().get(0);
        float divisor = divisorPerRow == 0f ? 1f : batchSize;
        if (!sameMemory(gradient.gradient(), flat)
                || !((FlushToZeroAdam.AdamState) block.getGradientUpdater()).applyDivided(flat, divisor, iteration)) {
            inner.update(layer, gradient, iteration, epoch, batchSize, workspaceMgr);
        }
    }

    /**
     * Whether the gradient DL4J hands over is the network's own flattened gradient: {@code Gradient.gradient()}
     * returns a new reshaped view of it on every call, so identity says nothing.
     */
    private static boolean sameMemory(INDArray a, INDArray b) {
        return a != null && b != null && a.length() == b.length() && NdArrays.inPlace(a) && NdArrays.inPlace(b)
                && a.data().addressPointer().address() == b.data().addressPointer().address();
    }

    @Override
    public void setStateViewArray(Trainable layer, INDArray viewArray, boolean initialize) {
        inner.setStateViewArray(layer, viewArray, initialize);
    }

    @Override
    public INDArray getStateViewArray() {
        return inner.getStateViewArray();
    }
}
