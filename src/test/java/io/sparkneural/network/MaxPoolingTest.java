package io.sparkneural.network;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaxPoolingTest {

    /** A max pooling layer then a softmax output, for images of the given shape. */
    private static MultiLayerNetwork pooling(int channels, int height, int width, int[] kernel, int[] stride,
                                             int[] pad, ConvolutionMode mode) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .updater(new Sgd(0.05)).list()
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(kernel).stride(stride)
                        .padding(pad).convolutionMode(mode).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(height, width, channels)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** The pooling layer's input gradient, DL4J's op against the helper, for the same input and output gradient. */
    private static void assertSameAsDl4j(INDArray x, int[] kernel, int[] stride, int[] pad, ConvolutionMode mode) {
        int channels = (int) x.size(1);
        int height = (int) x.size(2);
        int width = (int) x.size(3);
        Layer theirs = pooling(channels, height, width, kernel, stride, pad, mode).getLayer(0);
        MultiLayerNetwork oursNet = pooling(channels, height, width, kernel, stride, pad, mode);
        assertEquals(1, MaxPooling.install(oursNet), "pooling layers served");
        Layer ours = oursNet.getLayer(0);
        String what = "kernel " + kernel[0] + "x" + kernel[1] + ", stride " + stride[0] + "x" + stride[1] + ", pad "
                + pad[0] + "x" + pad[1] + ", " + mode + ", input " + java.util.Arrays.toString(x.shape());
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        theirs.setInput(x, mgr);
        ours.setInput(x, mgr);
        long forwardServed = MaxPoolingLayer.FORWARD_SERVED.get();
        INDArray expected = theirs.activate(true, mgr);
        INDArray actual = ours.activate(true, mgr);
        assertEquals(expected, actual, "output, " + what);
        assertEquals(forwardServed + (mode == ConvolutionMode.Same ? 0 : 1), MaxPoolingLayer.FORWARD_SERVED.get(),
                "forward passes computed here (Same mode's stay DL4J's), " + what);
        Nd4j.getRandom().setSeed(9);
        INDArray eps = Nd4j.rand(DataType.FLOAT, expected.shape());
        long served = MaxPooling.SERVED.get();
        long fromForward = MaxPooling.FROM_FORWARD.get();
        Pair<Gradient, INDArray> theirGrad = theirs.backpropGradient(eps.dup(), mgr);
        Pair<Gradient, INDArray> ourGrad = ours.backpropGradient(eps.dup(), mgr);
        assertEquals(theirGrad.getSecond(), ourGrad.getSecond(), "input gradient, " + what);
        assertEquals(served + 1, MaxPooling.SERVED.get(), "backward passes computed here, " + what);
        boolean tiled = kernel[0] == 2 && kernel[1] == 2 && stride[0] == 2 && stride[1] == 2 && pad[0] == 0
                && pad[1] == 0 && mode != ConvolutionMode.Same;
        assertEquals(fromForward + (tiled ? 1 : 0), MaxPooling.FROM_FORWARD.get(),
                "backward passes from the winners the forward pass recorded (tiled 2x2 windows only), " + what);

        // with no recorded forward pass for its input, the backward pass finds the winners itself
        ours.setInput(x.dup(), mgr);
        fromForward = MaxPooling.FROM_FORWARD.get();
        assertEquals(theirGrad.getSecond(), ours.backpropGradient(eps.dup(), mgr).getSecond(),
                "input gradient after a new input, " + what);
        ours.activate(false, mgr);
        assertEquals(theirGrad.getSecond(), ours.backpropGradient(eps.dup(), mgr).getSecond(),
                "input gradient after an inference pass, " + what);
        assertEquals(fromForward, MaxPooling.FROM_FORWARD.get(), "neither used recorded winners, " + what);
    }

    @Test
    void aNewInputInTheSameArrayIsNotTakenForTheRecordedOne() {
        INDArray x = random(2, 2, 6, 6);
        MultiLayerNetwork net = pooling(2, 6, 6, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0},
                ConvolutionMode.Truncate);
        MaxPooling.install(net);
        Layer ours = net.getLayer(0);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        ours.setInput(x, mgr);
        ours.activate(true, mgr);
        x.muli(-1); // every window's winner moves
        ours.setInput(x, mgr);
        Layer theirs = pooling(2, 6, 6, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0},
                ConvolutionMode.Truncate).getLayer(0);
        theirs.setInput(x, mgr);
        theirs.activate(true, mgr);
        INDArray eps = Nd4j.ones(DataType.FLOAT, 2, 2, 3, 3);
        assertEquals(theirs.backpropGradient(eps.dup(), mgr).getSecond(),
                ours.backpropGradient(eps.dup(), mgr).getSecond());
    }

    private static INDArray random(int... shape) {
        Nd4j.getRandom().setSeed(4);
        return Nd4j.rand(DataType.FLOAT, shape[0], shape[1], shape[2], shape[3]).subi(0.5);
    }

    /** Values from {0, 1, 2}: most windows hold their maximum more than once. */
    private static INDArray ties(int... shape) {
        return random(shape).addi(0.5).muli(3).castTo(DataType.INT32).castTo(DataType.FLOAT);
    }

    @Test
    void tiledTwoByTwoAsInTheSeedCnn() {
        assertSameAsDl4j(random(4, 3, 12, 12), new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0},
                ConvolutionMode.Truncate);
    }

    @Test
    void oddSizesLeaveTheLastRowAndColumnOut() {
        assertSameAsDl4j(random(3, 2, 11, 9), new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0},
                ConvolutionMode.Truncate);
    }

    @Test
    void planesInSeveralChunksAndAPartOne() {
        // 26x26 planes go 24 to a chunk: 320 planes are 13 whole chunks and one of 8; 27x27, 22 to a chunk
        assertSameAsDl4j(random(8, 40, 26, 26), new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0},
                ConvolutionMode.Truncate);
        assertSameAsDl4j(ties(3, 50, 27, 27), new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0},
                ConvolutionMode.Truncate);
    }

    @Test
    void tiesSendTheGradientToOneTapAsDl4jDoes() {
        assertSameAsDl4j(ties(4, 2, 8, 8), new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0},
                ConvolutionMode.Truncate);
        assertSameAsDl4j(ties(4, 2, 9, 9), new int[] {3, 3}, new int[] {2, 2}, new int[] {0, 0},
                ConvolutionMode.Truncate);
    }

    @Test
    void overlappingWindows() {
        assertSameAsDl4j(random(2, 3, 9, 10), new int[] {3, 3}, new int[] {2, 2}, new int[] {0, 0},
                ConvolutionMode.Truncate);
        assertSameAsDl4j(random(2, 1, 7, 7), new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0},
                ConvolutionMode.Truncate);
    }

    @Test
    void paddingAndSameMode() {
        assertSameAsDl4j(random(2, 2, 7, 8), new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1},
                ConvolutionMode.Truncate);
        assertSameAsDl4j(random(2, 2, 7, 9), new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0},
                ConvolutionMode.Same);
        assertSameAsDl4j(ties(2, 2, 7, 9), new int[] {3, 3}, new int[] {2, 2}, new int[] {0, 0},
                ConvolutionMode.Same);
    }

    @Test
    void trainsAConvolutionalNetworkAsDl4jDoes() {
        MultiLayerNetwork theirs = convNet();
        MultiLayerNetwork ours = convNet();
        assertEquals(3, LayerHelpers.install(ours), "two convolutions and the pooling between them");
        Nd4j.getRandom().setSeed(6);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 1, 12, 12);
        INDArray y = ThreeClassLabels.cyclic(8);
        long served = MaxPooling.SERVED.get();
        long forwardServed = MaxPoolingLayer.FORWARD_SERVED.get();
        long fromForward = MaxPooling.FROM_FORWARD.get();
        for (int step = 0; step < 5; step++) {
            theirs.fit(x, y);
            ours.fit(x, y);
        }
        assertEquals(served + 5, MaxPooling.SERVED.get(), "the helper computed every step's backward pooling");
        assertTrue(MaxPoolingLayer.FORWARD_SERVED.get() >= forwardServed + 5, "and every step's forward pooling");
        assertEquals(fromForward + 5, MaxPooling.FROM_FORWARD.get(), "each from its forward pass's winners");
        double diff = theirs.params().sub(ours.params()).amaxNumber().doubleValue();
        assertTrue(diff < 1e-5, "parameters after 5 steps differ by " + diff);
    }

    @Test
    void installSwapsTheLayerEverywhereTheNetworkLooksItUpAndOnlyOnce() {
        MultiLayerNetwork net = convNet();
        Layer original = net.getLayer(1);
        String name = original.conf().getLayer().getLayerName();
        assertEquals(1, MaxPooling.install(net));
        Layer swapped = net.getLayer(1);
        assertTrue(swapped instanceof MaxPoolingLayer, "the network runs the swapped layer");
        assertTrue(net.getLayer(name) == swapped, "looked up by name too");
        assertTrue(swapped.conf() == original.conf() && swapped.getIndex() == 1, "same configuration and position");
        assertTrue(swapped.getHelper() instanceof MaxPooling, "its backward pass is the helper's");
        assertEquals(1, MaxPooling.install(net), "installing again keeps it");
        assertTrue(net.getLayer(1) == swapped);
        assertEquals(org.deeplearning4j.nn.conf.layers.SubsamplingLayer.class,
                net.getLayerWiseConfigurations().getConf(1).getLayer().getClass(),
                "the configuration a saved network holds stays DL4J's");
    }

    /** ReLU convolutions around the pooling: its windows of zeros are ties. */
    private static MultiLayerNetwork convNet() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(8).dataType(DataType.FLOAT)
                .updater(new Sgd(0.1)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(3).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(12, 12, 1)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }
}
