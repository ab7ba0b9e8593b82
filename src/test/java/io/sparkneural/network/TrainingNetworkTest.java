package io.sparkneural.network;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingNetworkTest {
    private static final int IN = 9;

    private static NeuralNetConfiguration.ListBuilder base(double l2, double clipNorm) {
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER_UNIFORM).updater(new FlushToZeroAdam(0.01, 0.9, 0.999, 1e-7)).l2(l2);
        if (clipNorm > 0) {
            b.gradientNormalization(GradientNormalization.ClipL2PerParamType).gradientNormalizationThreshold(clipNorm);
        }
        return b.list();
    }

    private static MultiLayerConfiguration softmaxNet() {
        return base(0, 0).layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(8).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(IN)).build();
    }

    private static MultiLayerConfiguration sigmoidNet() {
        return base(0.02, 0).layer(new DenseLayer.Builder().nOut(6).activation(Activation.LEAKYRELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nOut(2).activation(Activation.SIGMOID).build())
                .setInputType(InputType.feedForward(IN)).build();
    }

    private static MultiLayerConfiguration regressionNet() {
        return base(0, 0.5).layer(new DenseLayer.Builder().nOut(7).activation(Activation.SIGMOID).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(4).activation(Activation.IDENTITY).build())
                .setInputType(InputType.feedForward(IN)).build();
    }

    private static MultiLayerConfiguration dropoutNet() {
        return base(0, 0).layer(new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build())
                .layer(new DropoutLayer.Builder(0.6).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(IN)).build();
    }

    private static DataSet batch(int rows, int outputs, boolean oneHot, long seed) {
        Random r = new Random(seed);
        float[] x = new float[rows * IN];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        float[] y = new float[rows * outputs];
        for (int i = 0; i < rows; i++) {
            if (oneHot) {
                y[i * outputs + r.nextInt(outputs)] = 1f;
            } else {
                for (int j = 0; j < outputs; j++) y[i * outputs + j] = outputs == 2 ? r.nextInt(2) : (float) r.nextGaussian();
            }
        }
        return new DataSet(NdArrays.floats(x, rows, IN), NdArrays.floats(y, rows, outputs));
    }

    private static MultiLayerNetwork[] pair(MultiLayerConfiguration conf) {
        MultiLayerNetwork dl4j = new MultiLayerNetwork(conf.clone());
        dl4j.init();
        TrainingNetwork ours = new TrainingNetwork(conf.clone());
        ours.init();
        assertEquals(dl4j.params(), ours.params(), "the same seed gives the same initial weights");
        assertTrue(ours.fused(), "the fused dense pass takes this network");
        return new MultiLayerNetwork[] {dl4j, ours};
    }

    private static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
        double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= tolerance * scale, what + ": differs by " + diff + " (largest value " + scale + ")");
    }

    private static void assertSameGradientAndScore(MultiLayerConfiguration conf, int outputs, boolean oneHot) {
        MultiLayerNetwork[] nets = pair(conf);
        DataSet ds = batch(13, outputs, oneHot, 3);
        for (MultiLayerNetwork n : nets) {
            n.setInput(ds.getFeatures());
            n.setLabels(ds.getLabels());
            n.computeGradientAndScore();
        }
        assertEquals(nets[0].score(), nets[1].score(), 1e-5 * Math.max(1, Math.abs(nets[0].score())), "score");
        assertEquals(nets[0].gradient().gradientForVariable().keySet(), nets[1].gradient().gradientForVariable().keySet());
        for (String key : nets[0].gradient().gradientForVariable().keySet()) {
            assertClose(nets[0].gradient().getGradientFor(key), nets[1].gradient().getGradientFor(key), 1e-5, key);
        }
    }

    private static void assertSameTraining(MultiLayerConfiguration conf, int outputs, boolean oneHot,
                                           boolean fusedUpdater) {
        MultiLayerNetwork[] nets = pair(conf);
        for (int step = 0; step < 20; step++) {
            DataSet ds = batch(32, outputs, oneHot, 100 + step);
            nets[0].fit(ds);
            nets[1].fit(ds);
        }
        assertClose(nets[0].params(), nets[1].params(), 1e-4, "parameters after 20 Adam steps");
        assertEquals(nets[0].score(), nets[1].score(), 1e-4 * Math.max(1, Math.abs(nets[0].score())), "last score");
        assertEquals(nets[0].getIterationCount(), nets[1].getIterationCount());
        assertEquals(fusedUpdater, nets[1].getUpdater() instanceof FusedAdamUpdater,
                "Adam's step is fused unless regularization or clipping asks for DL4J's updater");
        assertEquals(nets[0].getUpdater().getStateViewArray(), nets[1].getUpdater().getStateViewArray());
    }

    @Test
    void softmaxCrossEntropyGradientIsDl4jsAndSoIsTraining() {
        assertSameGradientAndScore(softmaxNet(), 3, true);
        assertSameTraining(softmaxNet(), 3, true, true);
    }

    @Test
    void sigmoidBinaryCrossEntropyWithLeakyReluAndL2IsDl4js() {
        assertSameGradientAndScore(sigmoidNet(), 2, false);
        assertSameTraining(sigmoidNet(), 2, false, false);
    }

    @Test
    void meanSquaredErrorWithSigmoidAndGradientClippingIsDl4js() {
        assertSameGradientAndScore(regressionNet(), 4, false);
        assertSameTraining(regressionNet(), 4, false, false);
    }

    @Test
    void dropoutScalesKeptUnitsAndBackpropagatesThroughTheSameMask() {
        TrainingNetwork net = new TrainingNetwork(dropoutNet());
        net.init();
        assertTrue(net.fused());
        DataSet ds = batch(64, 3, true, 5);
        Nd4j.getRandom().setSeed(11);
        net.setInput(ds.getFeatures());
        net.setLabels(ds.getLabels());
        net.computeGradientAndScore();
        DenseStack.Dense output = net.stackForTests().layers().get(1);
        float[] mask = output.mask;
        int kept = 0;
        for (int i = 0; i < 64 * 5; i++) {
            assertTrue(mask[i] == 0f || mask[i] == 1f / 0.6f, "a mask value is 0 or 1/p: " + mask[i]);
            if (mask[i] != 0f) kept++;
        }
        assertEquals(0.6, kept / 320.0, 0.08, "the share of units kept is DL4J's p");

        // the same pass with ND4J ops, given the mask
        INDArray x = ds.getFeatures();
        INDArray y = ds.getLabels();
        INDArray w1 = net.getParam("0_W");
        INDArray b1 = net.getParam("0_b");
        INDArray w2 = net.getParam("2_W");
        INDArray b2 = net.getParam("2_b");
        INDArray m = NdArrays.floats(java.util.Arrays.copyOf(mask, 64 * 5), 64, 5);
        INDArray h = Transforms.relu(x.mmul(w1).addRowVector(b1));
        INDArray hd = h.mul(m);
        INDArray p = Transforms.softmax(hd.mmul(w2).addRowVector(b2));
        INDArray g2 = p.sub(y);
        INDArray g1 = g2.mmul(w2.transpose()).mul(m).mul(h.gt(0).castTo(DataType.FLOAT));
        assertClose(hd.transpose().mmul(g2), net.gradient().getGradientFor("2_W"), 1e-5, "output weights");
        assertClose(g2.sum(0).reshape(1, 3), net.gradient().getGradientFor("2_b").reshape(1, 3), 1e-5, "output bias");
        assertClose(x.transpose().mmul(g1), net.gradient().getGradientFor("0_W"), 1e-5, "hidden weights");
        assertClose(g1.sum(0).reshape(1, 5), net.gradient().getGradientFor("0_b").reshape(1, 5), 1e-5, "hidden bias");
        double loss = -Transforms.log(p).mul(y).sumNumber().doubleValue() / 64;
        assertEquals(loss, net.score(), 1e-5);
    }

    @Test
    void inferenceIsDl4jsOutputWithDropoutOff() {
        for (MultiLayerConfiguration conf : List.of(dropoutNet(), sigmoidNet(), regressionNet())) {
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            DenseStack stack = DenseStack.forInference(net);
            assertTrue(stack != null, "the fused forward pass takes " + conf.getConf(0).getLayer());
            for (int rows : new int[] {5, 40, 3}) { // the scratch memory grows, then serves a smaller batch
                INDArray x = batch(rows, 2, true, rows).getFeatures();
                float[] fused = stack.predict(x.data().asFloat(), rows);
                INDArray expected = net.output(x, false);
                assertClose(expected, NdArrays.floats(fused, rows, expected.columns()), 1e-5, rows + " rows");
            }
            stack.release();
        }
    }

    @Test
    void theEpochMetricsScorerIsDl4jsScoreAndOutput() {
        MultiLayerConfiguration mae = base(0, 0).layer(new DenseLayer.Builder().nOut(4).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.L1).nOut(3).activation(Activation.IDENTITY).build())
                .setInputType(InputType.feedForward(IN)).build();
        int[] outputs = {3, 2, 4, 3};
        boolean[] oneHot = {true, false, false, false};
        List<MultiLayerConfiguration> confs = List.of(dropoutNet(), sigmoidNet(), regressionNet(), mae);
        for (int c = 0; c < confs.size(); c++) {
            MultiLayerNetwork net = new MultiLayerNetwork(confs.get(c));
            net.init();
            BatchScorer scorer = new BatchScorer(net);
            DataSet ds = batch(20, outputs[c], oneHot[c], 40 + c);
            BatchScorer.Scored scored = scorer.score(ds);
            double expected = net.score(ds, false);
            assertEquals(expected, scored.lossSum() / 20, 1e-5 * Math.max(1, Math.abs(expected)), "mean loss of net " + c);
            assertClose(net.output(ds.getFeatures(), false), scored.output(), 1e-5, "output of net " + c);
            scorer.release();
        }
    }

    @Test
    void aDivergingNetworksLossOverflowsAsDl4jsDoes() {
        // the trainer stops on a non-finite loss; computed in double, the fused loss stayed finite an epoch longer
        MultiLayerConfiguration linear = base(0, 0)
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY).build())
                .setInputType(InputType.feedForward(IN)).build();
        MultiLayerNetwork[] nets = pair(linear);
        for (MultiLayerNetwork n : nets) n.params().assign(1e18);
        DataSet ds = batch(4, 1, false, 9);
        ds.getFeatures().muli(1000);
        for (MultiLayerNetwork n : nets) {
            n.setInput(ds.getFeatures());
            n.setLabels(ds.getLabels());
            n.computeGradientAndScore();
        }
        assertEquals(Double.POSITIVE_INFINITY, nets[0].score(), "DL4J's float loss overflows");
        assertEquals(nets[0].score(), nets[1].score());
        BatchScorer scorer = new BatchScorer(nets[0]);
        assertEquals(nets[0].score(ds, false), scorer.score(ds).lossSum() / 4);
        scorer.release();
    }

    @Test
    void aSystemPropertyTurnsTheFusedCodeOff() {
        System.setProperty("io.sparkneural.fused", "false");
        try {
            TrainingNetwork net = new TrainingNetwork(softmaxNet());
            net.init();
            assertFalse(net.fused());
            net.fit(batch(8, 3, true, 1));
            assertFalse(net.getUpdater() instanceof FusedAdamUpdater);
            assertTrue(DenseStack.forInference(net) == null);
        } finally {
            System.clearProperty("io.sparkneural.fused");
        }
    }

    @Test
    void aSeededRunDrawsTheSameDropoutMasks() {
        INDArray[] params = new INDArray[2];
        for (int run = 0; run < 2; run++) {
            TrainingNetwork net = new TrainingNetwork(dropoutNet());
            net.init();
            Nd4j.getRandom().setSeed(99);
            for (int step = 0; step < 5; step++) net.fit(batch(16, 3, true, step));
            params[run] = net.params().dup();
        }
        assertEquals(params[0], params[1]);
    }

    @Test
    void otherNetworksAndListenersThatReadActivationsRunDl4jsOwnCode() {
        MultiLayerConfiguration elu = base(0, 0).layer(new DenseLayer.Builder().nOut(4).activation(Activation.ELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(IN)).build();
        MultiLayerConfiguration mae = base(0, 0).layer(new DenseLayer.Builder().nOut(4).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.L1).nOut(3).activation(Activation.IDENTITY).build())
                .setInputType(InputType.feedForward(IN)).build();
        MultiLayerConfiguration layerDropout = base(0, 0).layer(new DenseLayer.Builder().nOut(4).dropOut(0.5)
                        .activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(IN)).build();
        for (MultiLayerConfiguration conf : List.of(elu, mae, layerDropout)) {
            TrainingNetwork net = new TrainingNetwork(conf);
            net.init();
            assertFalse(net.fused(), conf.getConf(0).getLayer().toString());
            net.fit(batch(8, 3, true, 1)); // DL4J's code trains it
            assertTrue(Double.isFinite(net.score()));
        }

        MultiLayerNetwork[] nets = pair(softmaxNet());
        int[] seen = new int[2];
        nets[1].setListeners(new BaseTrainingListener() {
            @Override
            public void onForwardPass(Model model, List<INDArray> activations) {
                seen[0] = activations.size();
            }
        });
        nets[1].fit(batch(8, 3, true, 1));
        assertEquals(3, seen[0], "a listener that reads the activations gets DL4J's forward pass (one per layer)");
        nets[1].setListeners(new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                seen[1]++;
            }
        });
        nets[0].fit(batch(8, 3, true, 1));
        nets[0].fit(batch(8, 3, true, 2));
        nets[1].fit(batch(8, 3, true, 2));
        assertEquals(1, seen[1]);
        assertClose(nets[0].params(), nets[1].params(), 1e-4, "parameters");
    }
}
