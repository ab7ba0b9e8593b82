package io.sparkneural.network;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GemmConvolutionTest {

    /** A network of one or two convolutions (and a max pooling after the first when two) and a softmax output. */
    private static MultiLayerNetwork network(int channels, int height, int width, int[] kernel, int[] stride, int[] pad,
                                             int[] dilation, ConvolutionMode mode, boolean two) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(11).dataType(DataType.FLOAT)
                .updater(new Sgd(0.05)).convolutionMode(mode).list()
                .layer(new ConvolutionLayer.Builder(kernel).stride(stride).padding(pad).dilation(dilation).nOut(5)
                        .activation(Activation.TANH).build());
        if (two) {
            b.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(1, 1).build())
                    .layer(new ConvolutionLayer.Builder(2, 2).nOut(4).activation(Activation.RELU).build());
        }
        MultiLayerConfiguration conf = b.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(height, width, channels)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static void assertSameAsDl4j(int channels, int height, int width, int[] kernel, int[] stride, int[] pad,
                                         int[] dilation, ConvolutionMode mode, boolean two) {
        MultiLayerNetwork theirs = network(channels, height, width, kernel, stride, pad, dilation, mode, two);
        MultiLayerNetwork ours = network(channels, height, width, kernel, stride, pad, dilation, mode, two);
        assertEquals(two ? 2 : 1, GemmConvolution.install(ours), "convolution layers served");
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, channels, height, width).subi(0.5);
        INDArray y = ThreeClassLabels.cyclic(6);
        String what = "kernel " + kernel[0] + "x" + kernel[1] + ", stride " + stride[0] + "x" + stride[1] + ", pad "
                + pad[0] + "x" + pad[1] + ", dilation " + dilation[0] + ", " + mode + (two ? ", two layers" : "");
        long served = GemmConvolution.SERVED.get();
        assertClose(theirs.output(x), ours.output(x), 1e-5, "output, " + what);
        assertEquals(served + (two ? 2 : 1), GemmConvolution.SERVED.get(), "forward passes the helper computed");

        theirs.setInput(x);
        theirs.setLabels(y);
        theirs.computeGradientAndScore();
        ours.setInput(x);
        ours.setLabels(y);
        ours.computeGradientAndScore();
        assertClose(theirs.gradient().gradient(), ours.gradient().gradient(), 1e-5, "gradients, " + what);
        assertTrue(GemmConvolution.SERVED.get() >= served + (two ? 6 : 3), "backward passes the helper computed");

        for (int step = 0; step < 5; step++) {
            theirs.fit(x, y);
            ours.fit(x, y);
        }
        assertClose(theirs.params(), ours.params(), 1e-5, "parameters after 5 steps, " + what);
    }

    private static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
        assertEquals(expected.length(), actual.length(), what);
        double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
        double diff = expected.reshape(expected.length()).sub(actual.reshape(actual.length())).amaxNumber().doubleValue();
        assertTrue(diff <= tolerance * scale * 10, what + ": differs by " + diff + " (largest value " + scale + ")");
    }

    @Test
    void networksRestoredForTrainingAndPredictionUseIt() {
        MultiLayerNetwork trained = network(1, 8, 8, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, ConvolutionMode.Truncate, true);
        MultiLayerNetwork restored = NetworkState.of(trained).restoreForInference();
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 1, 8, 8);
        long served = GemmConvolution.SERVED.get();
        assertClose(trained.output(x), restored.output(x), 1e-5, "restored network's output");
        assertEquals(served + 2, GemmConvolution.SERVED.get(), "both convolutions of the restored network");
    }

    @Test
    void backpropReusesTheForwardPassOnlyWhileInputAndWeightsAreUnchanged() {
        assertReusesOnlyWhileUnchanged(9, 2); // per convolution: DL4J's second forward pass at the start of backprop
    }

    @Test
    void perExamplePathReusesTheForwardPassOnlyWhileInputAndWeightsAreUnchanged() {
        assertTrue(perExample(2, 20, 20, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1},
                ConvolutionMode.Truncate));
        // per convolution: DL4J's second forward pass, and the weight gradient's im2col
        assertReusesOnlyWhileUnchanged(20, 4);
    }

    private static void assertReusesOnlyWhileUnchanged(int size, int reusedPerStep) {
        MultiLayerNetwork theirs = network(2, size, size, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, ConvolutionMode.Truncate, true);
        MultiLayerNetwork ours = network(2, size, size, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, ConvolutionMode.Truncate, true);
        GemmConvolution.install(ours);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 2, size, size);
        INDArray y = ThreeClassLabels.cyclic(4);
        ours.setInput(x);
        ours.setLabels(y);
        long reused = GemmConvolution.REUSED.get();
        ours.computeGradientAndScore();
        assertEquals(reused + reusedPerStep, GemmConvolution.REUSED.get(), "passes taken from the forward pass");

        // the same array objects with new values: weights replaced, then the input changed in place
        assertClose(theirs.output(x), ours.output(x), 1e-5, "output before any change");
        INDArray halved = theirs.params().mul(0.5);
        theirs.setParams(halved);
        ours.setParams(halved);
        assertClose(theirs.output(x), ours.output(x), 1e-5, "output after the weights changed");
        x.muli(-2);
        assertClose(theirs.output(x), ours.output(x), 1e-5, "output after the input changed in place");
        ours.setInput(x);
        theirs.setInput(x);
        ours.computeGradientAndScore();
        theirs.setLabels(y);
        theirs.computeGradientAndScore();
        assertClose(theirs.gradient().gradient(), ours.gradient().gradient(), 1e-5, "gradients after both changes");
    }

    @Test
    void releasingTheNetworkFreesTheKeptForwardPasses() {
        MultiLayerNetwork net = network(1, 8, 8, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, ConvolutionMode.Truncate, true);
        LayerHelpers.install(net);
        net.output(Nd4j.rand(DataType.FLOAT, 2, 1, 8, 8));
        GemmConvolution first = (GemmConvolution) net.getLayer(0).getHelper();
        GemmConvolution second = (GemmConvolution) net.getLayer(2).getHelper();
        assertTrue(first.keepsForwardPass() && second.keepsForwardPass(), "each layer keeps its own pass");
        NetworkMemory.release(net);
        assertTrue(!first.keepsForwardPass() && !second.keepsForwardPass(), "released with the network");
    }

    @Test
    void layersTooLargeToKeepRecomputeInsteadAndStillMatchDl4j() {
        assertRecomputesWhenTooLargeToKeep(8, 40, true); // 38x38 planes: the per-example path
    }

    @Test
    void batchPathLayersTooLargeToKeepRecomputeInsteadAndStillMatchDl4j() {
        assertRecomputesWhenTooLargeToKeep(32, 17, false); // 15x15 planes, in chunks
    }

    private static void assertRecomputesWhenTooLargeToKeep(int channels, int size, boolean perExample) {
        INDArray weights = Nd4j.create(DataType.FLOAT, 5, channels, 3, 3);
        GemmConvolution.Geometry large = GemmConvolution.Geometry.of(Nd4j.create(DataType.FLOAT, 64, channels, size,
                        size), weights, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0}, ConvolutionMode.Truncate,
                new int[] {1, 1}, org.deeplearning4j.nn.conf.CNN2DFormat.NCHW);
        assertTrue(large != null && large.keptFloats() > GemmConvolution.MAX_KEPT, "served, but not kept");
        assertEquals(perExample, large.perExample());

        MultiLayerNetwork theirs = network(channels, size, size, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, ConvolutionMode.Truncate, false);
        MultiLayerNetwork ours = network(channels, size, size, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, ConvolutionMode.Truncate, false);
        GemmConvolution.install(ours);
        INDArray x = Nd4j.rand(DataType.FLOAT, 64, channels, size, size);
        INDArray y = ThreeClassLabels.cyclic(64);
        long reused = GemmConvolution.REUSED.get();
        long served = GemmConvolution.SERVED.get();
        theirs.fit(x, y);
        ours.fit(x, y);
        assertEquals(reused, GemmConvolution.REUSED.get(), "nothing kept, nothing reused");
        assertEquals(served + 3, GemmConvolution.SERVED.get(), "forward, forward again and backward computed here");
        assertClose(theirs.params(), ours.params(), 1e-5, "parameters after a step without reuse");
        assertTrue(!((GemmConvolution) ours.getLayer(0).getHelper()).keepsForwardPass(), "nothing kept");
    }

    @Test
    void declinesConvolutionsWhoseBuffersWouldBeTooLargeForTheHeap() {
        INDArray weights = Nd4j.create(DataType.FLOAT, 64, 3, 3, 3);
        INDArray big = Nd4j.create(DataType.FLOAT, 64, 3, 224, 224);
        assertTrue(GemmConvolution.Geometry.of(big, weights, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                ConvolutionMode.Truncate, new int[] {1, 1}, org.deeplearning4j.nn.conf.CNN2DFormat.NCHW) == null,
                "64 images of 224x224x3 need a 86M-float patch matrix: left to DL4J");
        INDArray small = Nd4j.create(DataType.FLOAT, 32, 3, 32, 32);
        assertTrue(GemmConvolution.Geometry.of(small, weights, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                ConvolutionMode.Truncate, new int[] {1, 1}, org.deeplearning4j.nn.conf.CNN2DFormat.NCHW) != null);
    }

    @Test
    void oneInputChannelNoPadding() {
        assertSameAsDl4j(1, 8, 8, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1},
                ConvolutionMode.Truncate, false);
    }

    @Test
    void severalChannelsOddShapeStrideAndPadding() {
        assertSameAsDl4j(3, 9, 7, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0}, new int[] {1, 1},
                ConvolutionMode.Truncate, false);
    }

    @Test
    void sameModeWithStride() {
        assertSameAsDl4j(2, 9, 10, new int[] {5, 5}, new int[] {2, 2}, new int[] {0, 0}, new int[] {1, 1},
                ConvolutionMode.Same, false);
    }

    @Test
    void dilation() {
        assertSameAsDl4j(2, 10, 10, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0}, new int[] {2, 2},
                ConvolutionMode.Truncate, false);
    }

    /** Which path the helper takes for a first layer of these sizes on a minibatch of 6. */
    private static boolean perExample(int channels, int height, int width, int[] kernel, int[] stride, int[] pad,
                                      int[] dilation, ConvolutionMode mode) {
        GemmConvolution.Geometry g = GemmConvolution.Geometry.of(Nd4j.create(DataType.FLOAT, 6, channels, height,
                width), Nd4j.create(DataType.FLOAT, 5, channels, kernel[0], kernel[1]), kernel, stride, pad, mode,
                dilation, org.deeplearning4j.nn.conf.CNN2DFormat.NCHW);
        assertTrue(g != null, "served");
        return g.perExample();
    }

    @Test
    void perExamplePathForLargeOutputPlanesBothLayers() {
        int[] one = {1, 1};
        assertTrue(perExample(2, 20, 20, new int[] {3, 3}, one, new int[] {0, 0}, one, ConvolutionMode.Truncate),
                "18x18 output planes");
        assertTrue(perExample(5, 17, 17, new int[] {2, 2}, one, new int[] {0, 0}, one, ConvolutionMode.Truncate),
                "the second layer's 16x16 planes too");
        assertSameAsDl4j(2, 20, 20, new int[] {3, 3}, one, new int[] {0, 0}, one, ConvolutionMode.Truncate, true);
    }

    @Test
    void perExamplePathWithStrideAndSamePadding() {
        int[] stride = {2, 2};
        assertTrue(perExample(3, 33, 31, new int[] {5, 5}, stride, new int[] {0, 0}, new int[] {1, 1},
                ConvolutionMode.Same), "17x16 output planes");
        assertSameAsDl4j(3, 33, 31, new int[] {5, 5}, stride, new int[] {0, 0}, new int[] {1, 1},
                ConvolutionMode.Same, false);
    }

    @Test
    void perExamplePathWithPaddingAndDilation() {
        assertTrue(perExample(2, 19, 18, new int[] {3, 2}, new int[] {1, 1}, new int[] {1, 2}, new int[] {2, 1},
                ConvolutionMode.Truncate), "17x21 output planes");
        assertSameAsDl4j(2, 19, 18, new int[] {3, 2}, new int[] {1, 1}, new int[] {1, 2}, new int[] {2, 1},
                ConvolutionMode.Truncate, false);
    }

    @Test
    void batchPathRunsInChunksWithAShorterLastOne() {
        GemmConvolution.Geometry g = GemmConvolution.Geometry.of(Nd4j.create(DataType.FLOAT, 6, 2, 12, 11),
                Nd4j.create(DataType.FLOAT, 5, 2, 3, 3), new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                ConvolutionMode.Truncate, new int[] {1, 1}, org.deeplearning4j.nn.conf.CNN2DFormat.NCHW);
        assertTrue(g != null && !g.perExample() && g.chunk() == 4, "12x11 planes: chunks of 4 examples, then 2");
        assertSameAsDl4j(2, 12, 11, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1},
                ConvolutionMode.Truncate, true);
    }

    @Test
    void smallPlanesTakeTheBatchPath() {
        assertTrue(!perExample(2, 12, 11, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1},
                ConvolutionMode.Truncate), "12x11 output planes");
    }

    @Test
    void stackedWithPoolingBetween() {
        assertSameAsDl4j(2, 12, 11, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1},
                ConvolutionMode.Truncate, true);
    }

    @Test
    void trainingSkipsTheFirstLayersInputGradientButCalculateGradientsStillReturnsIt() {
        assertSkipsOnlyInTraining(9);
    }

    @Test
    void perExamplePathSkipsTheFirstLayersInputGradientOnlyInTraining() {
        assertSkipsOnlyInTraining(20);
    }

    private static void assertSkipsOnlyInTraining(int size) {
        MultiLayerNetwork plain = network(2, size, size, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, ConvolutionMode.Truncate, true);
        MultiLayerNetwork training = new TrainingNetwork(plain.getLayerWiseConfigurations().clone());
        training.init();
        GemmConvolution.install(plain);
        GemmConvolution.install(training);
        org.nd4j.linalg.dataset.DataSet batch = SideBySide.fit(plain, training, 6, 6, 2, size, 5);
        INDArray x = batch.getFeatures();
        INDArray y = batch.getLabels();
        assertArrayEquals(plain.params().dup().data().asFloat(), training.params().dup().data().asFloat(),
                "the same steps, bit for bit, with and without the first layer's input gradient");

        INDArray expected = plain.calculateGradients(x, y, null, null).getSecond();
        INDArray actual = training.calculateGradients(x, y, null, null).getSecond();
        assertTrue(expected.norm2Number().doubleValue() > 0, "a real input gradient to compare with");
        assertArrayEquals(expected.dup().data().asFloat(), actual.dup().data().asFloat(),
                "calculateGradients' input gradient");
    }
}
