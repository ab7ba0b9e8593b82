package io.sparkneural.network;

import io.sparkneural.spec.NetworkSpec;
import io.sparkneural.spec.OptimizerSpec;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

/** Convolutional and recurrent specs build the networks Keras would build, and bad stacks are refused by name. */
class LayerStackTest {
    static final String SEED_CNN = "conv2d(32, 3x3, relu) maxpool2d(2x2) conv2d(64, 3x3, relu) maxpool2d(2x2) "
            + "conv2d(64, 3x3, relu) flatten dense(64, relu) dropout(0.5) dense(10, softmax)";
    static final String SEED_LSTM = "lstm(128, relu, return_sequences=true) dropout(0.2) lstm(64, relu) dropout(0.2) "
            + "dense(32, relu) dense(1, sigmoid)";

    private static MultiLayerNetwork build(String layers, InputShape shape, int classes) {
        NetworkSpec spec = NetworkSpec.parse(layers);
        OutputContract out = OutputContract.resolve(spec, "auto", Task.CLASSIFICATION, classes);
        MultiLayerConfiguration conf = NetworkFactory.configuration(spec, shape, out, OptimizerSpec.adam(), 1e-3, 1, 0);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static String error(String layers, InputShape shape) {
        int units = NetworkSpec.parse(layers).outputLayer().units();
        return assertThrows(IllegalArgumentException.class, () -> build(layers, shape, Math.max(2, units))).getMessage();
    }

    @Test
    void theSeedCnnHasKerasParameterCountAndPredicts() {
        MultiLayerNetwork net = build(SEED_CNN, InputShape.image(28, 28, 1), 10);
        // Keras: 320 + 18,496 + 36,928 (convs) + 36,928 (dense 576->64) + 650 (dense 64->10)
        assertEquals(93_322, net.numParams());
        INDArray out = net.output(Nd4j.rand(3, 784), false);
        assertArrayEquals(new long[]{3, 10}, out.shape());
        net.close();
    }

    @Test
    void aFlatVectorFeedingAConvNetIsReadAsASquareGrayscaleImage() {
        assertEquals(InputShape.image(28, 28, 1),
                NetworkFactory.resolvedInput(NetworkSpec.parse(SEED_CNN), InputShape.flat(784)));
        assertEquals("layer 1 conv2d(32, 3x3, relu) needs images, but the features are flat vectors of 700 values: set "
                + "inputShape to height,width,channels (e.g. 28,28,1)", error(SEED_CNN, InputShape.flat(700)));
    }

    @Test
    void theSeedLstmHasKerasParameterCountAndPredictsOncePerSequence() {
        MultiLayerNetwork net = build(SEED_LSTM, InputShape.sequence(28, 28), 2);
        // Keras: 4*(128*(28+128)+128) + 4*(64*(128+64)+64) + (64*32+32) + (32+1)
        assertEquals(80_384 + 49_408 + 2_080 + 33, net.numParams());
        INDArray out = net.output(Nd4j.rand(new int[]{4, 28, 28}), false);
        assertArrayEquals(new long[]{4, 1}, out.shape());
        net.close();
    }

    @Test
    void bidirectionalSimpleRnnAndEmbeddingBuild() {
        MultiLayerNetwork bi = build("bidirectional(lstm(8)) dense(2, softmax)", InputShape.sequence(5, 3), 2);
        assertArrayEquals(new long[]{2, 2}, bi.output(Nd4j.rand(new int[]{2, 3, 5}), false).shape());
        MultiLayerNetwork rnn = build("simple_rnn(6, return_sequences=true) simple_rnn(4) dense(2, softmax)",
                InputShape.sequence(5, 3), 2);
        assertArrayEquals(new long[]{2, 2}, rnn.output(Nd4j.rand(new int[]{2, 3, 5}), false).shape());
        MultiLayerNetwork emb = build("embedding(50, 8) lstm(4) dense(2, softmax)", InputShape.flat(7), 2);
        INDArray tokens = Nd4j.createFromArray(new float[]{1, 2, 3, 4, 5, 6, 7, 7, 6, 5, 4, 3, 2, 1}).reshape(2, 7);
        assertArrayEquals(new long[]{2, 2}, emb.output(tokens, false).shape());
        bi.close();
        rnn.close();
        emb.close();
    }

    @Test
    void stacksThatDoNotFitAreRefusedNamingLayersAndShapes() {
        assertEquals("layer 1 lstm(8) needs sequences, but the features are flat vectors of 20 values: set inputShape to "
                + "timesteps,features (e.g. 28,28 for an image read row by row)",
                error("lstm(8) dense(2, softmax)", InputShape.flat(20)));
        assertEquals("layer 2 conv2d(4, 3x3) needs an image (height x width x channels), but gets a sequence of 10 "
                + "timesteps x 8 features from layer 1 lstm(8, return_sequences=true); there is no reshape layer between them",
                error("lstm(8, return_sequences=true) conv2d(4, 3x3) flatten dense(2, softmax)", InputShape.sequence(10, 2)));
        assertEquals("layer 2 dense(8) gets an image of 6x6x4 from layer 1 conv2d(4, 3x3); put flatten or globalavgpool "
                + "before it (Keras would apply a dense layer to each pixel)",
                error("conv2d(4, 3x3) dense(8) dense(2, softmax)", InputShape.image(8, 8, 1)));
        assertEquals("layer 3 conv2d(4, 3x3) gets an image of 2x2x4 from layer 2 maxpool2d(2x2), smaller than its 3x3 "
                + "window; use padding=same, a smaller kernel, or fewer pooling layers",
                error("conv2d(4, 3x3) maxpool2d(2x2) conv2d(4, 3x3) flatten dense(2, softmax)", InputShape.image(6, 6, 1)));
        // a dense output layer after return_sequences=true predicts at every timestep (many-to-many)
        assertTrue(NetworkFactory.predictsPerTimestep(
                io.sparkneural.spec.NetworkSpec.parse("lstm(8, return_sequences=true) dense(2, softmax)"), InputShape.sequence(5, 2)));
    }

    @Test
    void channelsLastImagesAndTimeMajorSequencesAreReorderedForDl4j() {
        ExampleLayout rgb = new ExampleLayout(InputShape.image(2, 2, 3));
        // user's value (y=0, x=1, channel 2) sits at index (0*2+1)*3+2 = 5; DL4J wants channel 2 first: 2*4 + 1 = 9
        assertEquals(9, rgb.position(5));
        ExampleLayout seq = new ExampleLayout(InputShape.sequence(4, 2));
        // timestep 3, feature 1 -> index 7 for the user; DL4J's [features, timesteps]: 1*4 + 3 = 7... and t1 f0 -> 2 -> 1
        assertEquals(1, seq.position(2));
        assertArrayEquals(new long[]{5, 2, 4}, seq.batchShape(5));
        assertFalse(new ExampleLayout(InputShape.image(28, 28, 1)).reorders());
    }
}
