package io.sparkneural.network;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlushToZeroAdamTest {

    private static MultiLayerNetwork network(IUpdater updater) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT)
                .updater(updater).list()
                .layer(new DenseLayer.Builder().nIn(12).nOut(9).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(9).nOut(7).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(7).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static DataSet[] minibatches(int count, int rows) {
        Random r = new Random(3);
        DataSet[] out = new DataSet[count];
        for (int b = 0; b < count; b++) {
            float[] x = new float[rows * 12];
            float[] y = new float[rows * 3];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
            for (int i = 0; i < rows; i++) y[i * 3 + r.nextInt(3)] = 1;
            out[b] = new DataSet(NdArrays.floats(x, rows, 12), NdArrays.floats(y, rows, 3));
        }
        return out;
    }

    @Test
    void trainsAsDl4jsAdamDoesOnEveryLayer() {
        MultiLayerNetwork theirs = network(new Adam(0.01, 0.9, 0.999, 1e-7));
        MultiLayerNetwork ours = network(new FlushToZeroAdam(0.01, 0.9, 0.999, 1e-7));
        ours.setParams(theirs.params().dup());
        for (DataSet d : minibatches(60, 16)) {
            theirs.fit(d);
            ours.fit(d);
        }
        INDArray diff = ours.params().sub(theirs.params());
        double scale = theirs.params().norm2Number().doubleValue();
        assertTrue(diff.norm2Number().doubleValue() < 1e-5 * scale,
                "parameters after 60 steps differ by " + diff.norm2Number() + " (norm " + scale + ")");
        INDArray stateDiff = ours.getUpdater().getStateViewArray().sub(theirs.getUpdater().getStateViewArray());
        assertTrue(stateDiff.amaxNumber().doubleValue() < 1e-5, "moments differ by up to " + stateDiff.amaxNumber());
    }

    @Test
    void aLearningRateSetBetweenEpochsTakesEffect() {
        MultiLayerNetwork theirs = network(new Adam(0.01, 0.9, 0.999, 1e-7));
        MultiLayerNetwork ours = network(new FlushToZeroAdam(0.01, 0.9, 0.999, 1e-7));
        ours.setParams(theirs.params().dup());
        theirs.setLearningRate(0.05);
        ours.setLearningRate(0.05);
        for (DataSet d : minibatches(10, 16)) {
            theirs.fit(d);
            ours.fit(d);
        }
        assertEquals(0.05, ((FlushToZeroAdam) ours.getLayer(0).conf().getLayer().getUpdaterByParam("W")).getLearningRate(), 0);
        assertTrue(ours.params().sub(theirs.params()).amaxNumber().doubleValue() < 1e-5);
    }

    @Test
    void momentsAndStepsThatWouldBeSubnormalAreZero() {
        int n = 64;
        INDArray state = Nd4j.zeros(DataType.FLOAT, 1, 2L * n);
        INDArray theirState = Nd4j.zeros(DataType.FLOAT, 1, 2L * n);
        GradientUpdater<?> ours = new FlushToZeroAdam(1e-3, 0.9, 0.999, 1e-7).instantiate(state, true);
        GradientUpdater<?> theirs = new Adam(1e-3, 0.9, 0.999, 1e-7).instantiate(theirState, true);
        INDArray start = Nd4j.rand(DataType.FLOAT, 1, n).muli(1e-3);
        for (int it = 0; it < 1200; it++) {
            INDArray g = it < 5 ? start.dup() : Nd4j.zeros(DataType.FLOAT, 1, n);
            INDArray g2 = g.dup();
            ours.applyUpdater(g, it, 0);
            theirs.applyUpdater(g2, it, 0);
            assertEquals(0, subnormals(state), "our moments hold subnormal floats at step " + it);
            assertEquals(0, subnormals(g), "our step holds subnormal floats at step " + it);
        }
        assertTrue(subnormals(theirState) > 0, "DL4J's first moments decay into subnormals; the test has no point otherwise");
        INDArray m = state.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, n));
        INDArray v = state.get(NDArrayIndex.point(0), NDArrayIndex.interval(n, 2 * n));
        assertEquals(0, m.amaxNumber().doubleValue(), 0, "first moments flushed to zero");
        assertTrue(v.minNumber().doubleValue() > 0, "second moments decay by only 0.999 a step and stay normal");
    }

    /** The step as one loop that flushes before it divides: what the two-loop version must equal bit for bit. */
    private static void referenceStep(float[] g, float[] m, float[] v, float divisor, int iteration) {
        float b1 = 0.9f;
        float b2 = 0.999f;
        float eps = 1e-7f;
        float alpha = 1e-3f * (float) Math.sqrt(1f - (float) Math.pow(b2, iteration + 1)) / (1f - (float) Math.pow(b1, iteration + 1));
        float stepScale = 0x1p126f * alpha;
        for (int i = 0; i < g.length; i++) {
            float gi = g[i] / divisor;
            float mi = b1 * m[i] + gi * (1f - b1);
            float vi = b2 * v[i] + gi * gi * (1f - b2);
            if (vi < Float.MIN_NORMAL) vi = 0f;
            float den = (float) Math.sqrt(vi) + eps;
            float ami = Math.abs(mi);
            if (ami < Float.MIN_NORMAL || ami * stepScale < den) mi = 0f;
            m[i] = mi;
            v[i] = vi;
            g[i] = mi / den * alpha;
        }
    }

    @Test
    void theStepIsTheOneLoopFlushBitForBitOverGradientsOfEveryScale() {
        int n = 10_000; // more than one of the step's blocks
        INDArray state = Nd4j.zeros(DataType.FLOAT, 1, 2L * n);
        FlushToZeroAdam.AdamState ours = (FlushToZeroAdam.AdamState) new FlushToZeroAdam(1e-3, 0.9, 0.999, 1e-7)
                .instantiate(state, true);
        float[] m = new float[n];
        float[] v = new float[n];
        Random r = new Random(5);
        for (int it = 0; it < 300; it++) {
            float[] g = new float[n];
            for (int i = 0; i < n; i++) {
                // zeros, signed zeros, and magnitudes from 1 down to 1e-40 (subnormal), changing every step
                g[i] = i % 7 == 0 ? 0f : i % 11 == 0 ? -0f : (float) (r.nextGaussian() * Math.pow(10, -r.nextInt(41)));
            }
            INDArray gradient = Nd4j.createFromArray(g).reshape(1, n);
            assertTrue(ours.applyDivided(gradient, 32f, it));
            referenceStep(g, m, v, 32f, it);
            float[] got = gradient.toFloatVector();
            float[] s = state.toFloatVector();
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToRawIntBits(g[i]), Float.floatToRawIntBits(got[i]), "step " + it + ", element " + i);
                assertEquals(Float.floatToRawIntBits(m[i]), Float.floatToRawIntBits(s[i]), "first moment " + it + ", " + i);
                assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(s[n + i]), "second moment " + it + ", " + i);
            }
        }
    }

    private static int subnormals(INDArray a) {
        int count = 0;
        for (float f : a.toFloatVector()) {
            if (f != 0 && Math.abs(f) < Float.MIN_NORMAL) count++;
        }
        return count;
    }

    @Test
    void aStridedGradientTakesDl4jsOpAndGivesTheSameStep() {
        int n = 40;
        INDArray wide = Nd4j.rand(DataType.FLOAT, 1, 2L * n).subi(0.5);
        INDArray strided = wide.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, 2, 2L * n));
        INDArray contiguous = strided.dup();
        GradientUpdater<?> a = new FlushToZeroAdam().instantiate(Nd4j.zeros(DataType.FLOAT, 1, 2L * n), true);
        GradientUpdater<?> b = new FlushToZeroAdam().instantiate(Nd4j.zeros(DataType.FLOAT, 1, 2L * n), true);
        a.applyUpdater(strided, 0, 0);
        b.applyUpdater(contiguous, 0, 0);
        assertTrue(strided.sub(contiguous).amaxNumber().doubleValue() < 1e-7);
    }

    @Test
    void survivesTheNetworksJsonConfiguration() {
        FlushToZeroAdam adam = new FlushToZeroAdam(0.004, 0.8, 0.99, 1e-6);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(network(adam).getLayerWiseConfigurations().toJson());
        IUpdater read = ((org.deeplearning4j.nn.conf.layers.BaseLayer) back.getConf(1).getLayer()).getIUpdater();
        assertInstanceOf(FlushToZeroAdam.class, read);
        assertEquals(adam, read);
    }
}
