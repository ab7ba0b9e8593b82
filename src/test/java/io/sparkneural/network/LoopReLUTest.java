package io.sparkneural.network;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoopReLUTest {

    /** Floats where ReLU's derivative is decided: zeros of both signs, NaN, infinities, subnormals, extremes. */
    private static float[] edgeAndRandomValues(int n, long seed) {
        float[] special = {0f, -0f, Float.NaN, Float.intBitsToFloat(0xffc00000), Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL,
                Float.MAX_VALUE, -Float.MAX_VALUE, 1e-40f, -1e-40f, 1f, -1f};
        Random random = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i < special.length ? special[i] : (float) random.nextGaussian();
        }
        return v;
    }

    private static int[] bits(INDArray a) {
        float[] f = a.dup('c').data().asFloat();
        int[] b = new int[f.length];
        for (int i = 0; i < f.length; i++) b[i] = Float.floatToRawIntBits(f[i]);
        return b;
    }

    @Test
    void backpropGivesDl4jsFloatsBitForBit() {
        int n = 4 * 3 * 7 * 9;
        float[] z = edgeAndRandomValues(n, 1);
        float[] eps = edgeAndRandomValues(n, 2);
        // every special input meets every special epsilon somewhere
        for (int i = 0; i < 16; i++) {
            for (int j = 0; j < 16; j++) {
                z[16 + i * 16 + j] = z[i];
                eps[16 + i * 16 + j] = eps[j];
            }
        }
        INDArray in = NdArrays.floats(z, 4, 3, 7, 9);
        INDArray epsilon = NdArrays.floats(eps, 4, 3, 7, 9);
        INDArray inBefore = in.dup();
        INDArray expected = new ActivationReLU().backprop(in.dup(), epsilon.dup()).getFirst();
        INDArray actual = new LoopReLU().backprop(in, epsilon).getFirst();
        assertArrayEquals(bits(expected), bits(actual), "ReLU's derivative times epsilon");
        assertArrayEquals(bits(inBefore), bits(in), "the input is left as it was, as DL4J's leaves it");
        assertArrayEquals(new long[] {4, 3, 7, 9}, actual.shape());
    }

    @Test
    void arraysOfSeveralChunksAndAPartOne() {
        int n = 8192 * 2 + 1000; // the loop's chunks: two whole and a part
        INDArray in = NdArrays.floats(edgeAndRandomValues(n, 5), 4, n / 4);
        INDArray epsilon = NdArrays.floats(edgeAndRandomValues(n, 6), 4, n / 4);
        INDArray expected = new ActivationReLU().backprop(in.dup(), epsilon.dup()).getFirst();
        assertArrayEquals(bits(expected), bits(new LoopReLU().backprop(in, epsilon).getFirst()));
    }

    @Test
    void viewsAndMixedLayoutsFallBackToDl4jsOp() {
        INDArray in = NdArrays.floats(edgeAndRandomValues(6 * 10, 3), 6, 10);
        INDArray epsilon = NdArrays.floats(edgeAndRandomValues(6 * 10, 4), 6, 10);
        INDArray column = in.getColumn(3); // strided: not one contiguous run
        INDArray columnEps = epsilon.getColumn(5);
        INDArray expected = new ActivationReLU().backprop(column.dup(), columnEps.dup()).getFirst();
        assertArrayEquals(bits(expected), bits(new LoopReLU().backprop(column, columnEps).getFirst()), "strided view");
        INDArray fOrder = epsilon.dup('f');
        expected = new ActivationReLU().backprop(in.dup(), fOrder.dup('f')).getFirst();
        assertArrayEquals(bits(expected), bits(new LoopReLU().backprop(in, fOrder).getFirst()), "'c' input, 'f' epsilon");
    }

    private static MultiLayerNetwork network(Activation first) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .updater(new Adam(0.01)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(first).build())
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(3).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 2)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    @Test
    void onlyTheLayersRuntimeConfigurationChangesAndLearningRatesStillReachTheNetworks() {
        MultiLayerNetwork net = network(Activation.TANH);
        String before = net.getLayerWiseConfigurations().toJson();
        assertEquals(2, GemmConvolution.install(net));
        Layer tanh = net.getLayer(0);
        Layer relu = net.getLayer(1);
        assertSame(net.getLayerWiseConfigurations().getConf(0), tanh.conf(), "a tanh layer keeps its configuration");
        assertInstanceOf(LoopReLU.class, ((BaseLayer) relu.conf().getLayer()).getActivationFn());
        assertEquals(before, net.getLayerWiseConfigurations().toJson(), "what is saved and broadcast is unchanged");
        assertFalse(LoopReLU.install(relu), "installing twice changes nothing more");

        net.setLearningRate(0.003);
        IUpdater saved = ((BaseLayer) net.getLayerWiseConfigurations().getConf(1).getLayer()).getIUpdater();
        IUpdater running = ((BaseLayer) relu.conf().getLayer()).getIUpdater();
        assertSame(saved, running);
        assertEquals(0.003, ((Adam) saved).getLearningRate(), 0.0);
    }

    @Test
    void trainingWithItTakesTheSameStepsAsWithDl4jsRelu() {
        MultiLayerNetwork ours = network(Activation.RELU);
        MultiLayerNetwork theirs = network(Activation.RELU);
        GemmConvolution.install(ours);
        GemmConvolution.install(theirs);
        // theirs: the same helpers, but DL4J's ReLU object back in the layers' runtime configurations
        for (Layer layer : theirs.getLayers()) {
            if (layer.conf().getLayer() instanceof BaseLayer b && b.getActivationFn() instanceof LoopReLU) {
                b.setActivationFn(new ActivationReLU());
            }
        }
        assertTrue(((BaseLayer) ours.getLayer(0).conf().getLayer()).getActivationFn() instanceof LoopReLU);
        SideBySide.fit(ours, theirs, 9, 5, 2, 8, 10);
        assertArrayEquals(bits(theirs.params()), bits(ours.params()), "parameters after 10 Adam steps");
    }
}
