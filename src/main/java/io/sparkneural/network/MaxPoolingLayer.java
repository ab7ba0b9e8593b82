package io.sparkneural.network;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.common.primitives.Pair;

/**
 * DL4J's max pooling layer with its forward pass computed by {@link MaxPooling}, and its backward pass from the winners
 * that pass recorded, else by the same class as DL4J's helper. Why a layer rather than only a helper: DL4J
 * 1.0.0-M2.1's {@code SubsamplingLayer.activate} never consults its helper, and libnd4j's {@code maxpool2d} took
 * 0.82 ms of the seed CNN's 10.6-11.1 ms training step (one thread, minibatch of 32) for 0.23M windows, against 0.55 ms
 * here.
 *
 * <p>Its configuration is DL4J's own {@code SubsamplingLayer}, so saved networks stay plain DL4J networks; the layer
 * object is swapped in by {@link MaxPooling#install} on every network spark-neural builds or restores. Anything
 * {@link MaxPooling#forward} declines runs DL4J's code.
 */
final class MaxPoolingLayer extends SubsamplingLayer {
    /** Passes computed here rather than by DL4J's op; tests read it to know which code ran. */
    static final java.util.concurrent.atomic.AtomicLong FORWARD_SERVED = new java.util.concurrent.atomic.AtomicLong();

    private MaxPoolingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** A layer in place of {@code original}: its configuration, position, listeners and counts, and the helper. */
    static MaxPoolingLayer replacing(Layer original, DataType dataType, MaxPooling helper) {
        MaxPoolingLayer layer = new MaxPoolingLayer(original.conf(), dataType);
        layer.setListeners(original.getListeners());
        layer.setIndex(original.getIndex());
        layer.setIterationCount(original.getIterationCount());
        layer.setEpochCount(original.getEpochCount());
        layer.helper = helper;
        return layer;
    }

    /** The winners of this layer's last training forward pass, which its backward pass sends the gradient to. */
    private final MaxPooling.Winners winners = new MaxPooling.Winners();

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        winners.forget();
        INDArray out = MaxPooling.forward(input, layerConf(), convolutionMode, workspaceMgr, training ? winners : null);
        if (out == null) return super.activate(training, workspaceMgr);
        FORWARD_SERVED.incrementAndGet();
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray epsAtInput = winners.backprop(input, epsilon, workspaceMgr);
        if (epsAtInput == null) return super.backpropGradient(epsilon, workspaceMgr);
        return new Pair<>(new DefaultGradient(), epsAtInput);
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        winners.forget(); // a new input, even in the same array object, has other winners
        super.setInput(input, workspaceMgr);
    }

    @Override
    public void clear() {
        winners.forget();
        super.clear();
    }
}
