package io.sparkneural.network;

import io.sparkneural.spec.NetworkSpec;
import io.sparkneural.spec.OptimizerSpec;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one-pass scorer gives DL4J's own score and output, for the networks the fused dense pass does not take. */
class BatchScorerTest {
    private static MultiLayerConfiguration conf(String layers, InputShape shape, Task task, String loss, int classes) {
        NetworkSpec spec = NetworkSpec.parse(layers);
        OutputContract out = OutputContract.resolve(spec, loss, task, classes);
        return NetworkFactory.configuration(spec, shape, out, OptimizerSpec.adam(), 1e-3, 7, 0);
    }

    /** The scorer on a ScoringNetwork against DL4J's score and output on a plain network with the same parameters. */
    private static void assertScoresAsDl4j(MultiLayerConfiguration conf, DataSet ds, String what, boolean onePass) {
        MultiLayerNetwork dl4j = new MultiLayerNetwork(conf.clone());
        dl4j.init();
        NetworkState state = NetworkState.of(dl4j);
        MultiLayerNetwork scoring = state.restoreForScoring();
        assertTrue(scoring instanceof BatchScorer.ScoringNetwork, what);
        BatchScorer scorer = new BatchScorer(scoring);
        long before = BatchScorer.ONE_PASS.get();
        for (int pass = 0; pass < 2; pass++) { // the second pass sees the state the first left behind
            BatchScorer.Scored scored = scorer.score(ds);
            double expected = dl4j.score(ds, false) * ds.numExamples();
            assertEquals(expected, scored.lossSum(), 1e-5 * Math.max(1, Math.abs(expected)), "summed loss, " + what);
            INDArray output = dl4j.output(ds.getFeatures(), false, ds.getFeaturesMaskArray(), ds.getLabelsMaskArray());
            assertEquals(0, output.sub(scored.output()).amaxNumber().doubleValue(), 1e-5, "output, " + what);
        }
        assertEquals(onePass ? 2 : 0, BatchScorer.ONE_PASS.get() - before, "minibatches scored in one pass, " + what);
        scorer.release();
        NetworkMemory.release(scoring);
    }

    private static INDArray oneHot(int rows, int classes, int seed) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, rows, classes);
        for (int r = 0; r < rows; r++) y.putScalar(r, (r * 7 + seed) % classes, 1f);
        return y;
    }

    @Test
    void convolutionalClassifierWithDropoutAndL2() {
        Nd4j.getRandom().setSeed(3);
        MultiLayerConfiguration conf = conf("conv2d(4, 3x3, relu, l2=0.01) maxpool2d(2x2) flatten dense(8, relu) "
                + "dropout(0.5) dense(3, softmax)", InputShape.image(8, 8, 1), Task.CLASSIFICATION, "auto", 3);
        assertScoresAsDl4j(conf, new DataSet(Nd4j.rand(DataType.FLOAT, 6, 64), oneHot(6, 3, 1)), "conv net", true);
    }

    @Test
    void recurrentRegressorWithoutMasks() {
        Nd4j.getRandom().setSeed(4);
        MultiLayerConfiguration conf = conf("lstm(5) dense(1)", InputShape.sequence(4, 3), Task.REGRESSION, "mse", 0);
        assertScoresAsDl4j(conf, new DataSet(Nd4j.rand(DataType.FLOAT, 5, 3, 4), Nd4j.rand(DataType.FLOAT, 5, 1)),
                "lstm regressor", true);
    }

    @Test
    void outputLayerWithItsOwnPreprocessor() {
        Nd4j.getRandom().setSeed(6);
        MultiLayerConfiguration conf = conf("conv2d(3, 3x3, relu) maxpool2d(2x2) flatten dense(4, softmax)",
                InputShape.image(8, 8, 1), Task.CLASSIFICATION, "auto", 4);
        assertTrue(conf.getInputPreProcess(conf.getConfs().size() - 1) != null, "flatten before the output layer");
        assertScoresAsDl4j(conf, new DataSet(Nd4j.rand(DataType.FLOAT, 5, 64), oneHot(5, 4, 2)), "flatten, output",
                true);
    }

    /** A per-timestep classifier of 3 sequences of 4 steps of 3 features, with one-hot labels of 2 classes. */
    private static MultiLayerConfiguration sequenceClassifier() {
        return conf("lstm(5, return_sequences=true) dense(2, softmax)", InputShape.sequence(4, 3),
                Task.CLASSIFICATION, "auto", 2);
    }

    private static INDArray sequenceLabels(int shift) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, 3, 2, 4);
        for (int r = 0; r < 3; r++) for (int t = 0; t < 4; t++) y.putScalar(new int[] {r, (r * t + shift) % 2, t}, 1f);
        return y;
    }

    @Test
    void sequenceOutputWithoutMasks() {
        Nd4j.getRandom().setSeed(7);
        assertScoresAsDl4j(sequenceClassifier(), new DataSet(Nd4j.rand(DataType.FLOAT, 3, 3, 4), sequenceLabels(1)),
                "sequence output", true);
    }

    @Test
    void maskedMinibatchesTakeDl4jsTwoPasses() {
        Nd4j.getRandom().setSeed(5);
        INDArray mask = Nd4j.ones(DataType.FLOAT, 3, 4);
        mask.putScalar(0, 3, 0f);
        assertScoresAsDl4j(sequenceClassifier(), new DataSet(Nd4j.rand(DataType.FLOAT, 3, 3, 4), sequenceLabels(0),
                mask, mask), "masked sequences", false);
    }
}
