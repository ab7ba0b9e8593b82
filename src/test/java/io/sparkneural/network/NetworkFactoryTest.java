package io.sparkneural.network;

import io.sparkneural.spec.NetworkSpec;
import io.sparkneural.spec.OptimizerSpec;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInitXavierUniform;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L1Regularization;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

import static org.junit.jupiter.api.Assertions.*;

/** The DL4J network means what the same Keras model means. */
class NetworkFactoryTest {

    private static MultiLayerConfiguration build(String layers, int classes, String optimizer) {
        NetworkSpec spec = NetworkSpec.parse(layers);
        OutputContract out = OutputContract.resolve(spec, "auto", Task.CLASSIFICATION, classes);
        OptimizerSpec o = OptimizerSpec.parse(optimizer);
        return NetworkFactory.configuration(spec, 5, out, o, o.defaultLearningRate(), 1, 0);
    }

    @Test
    void layersActivationsRegularisationAndDropoutFollowKeras() {
        MultiLayerConfiguration conf = build(
                "dense(8, leaky_relu(0.01), l2=0.001) dropout(0.2) dense(4, tanh, l1=1e-4) dense(3, softmax)", 3, "adam");
        assertEquals(4, conf.getConfs().size());
        BaseLayer first = (BaseLayer) conf.getConf(0).getLayer();
        assertEquals(0.01, ((ActivationLReLU) first.getActivationFn()).getAlpha(), 1e-12);
        assertInstanceOf(WeightInitXavierUniform.class, first.getWeightInitFn(), "Keras's glorot_uniform");
        L2Regularization l2 = (L2Regularization) first.getRegularization().get(0);
        assertEquals(0.002, l2.getL2().valueAt(0, 0), 1e-12, "Keras l2 * sum(w^2) = DL4J (2*l2)/2 * sum(w^2)");
        assertTrue(first.getRegularizationBias().isEmpty(), "Keras regularises the kernel only");
        DropoutLayer dropout = (DropoutLayer) conf.getConf(1).getLayer();
        assertEquals(0.8, ((org.deeplearning4j.nn.conf.dropout.Dropout) dropout.getIDropout()).getP(), 1e-12,
                "Keras drops 20%; DL4J is given the fraction kept");
        BaseLayer third = (BaseLayer) conf.getConf(2).getLayer();
        assertEquals(1e-4, ((L1Regularization) third.getRegularization().get(0)).getL1().valueAt(0, 0), 1e-12);
        OutputLayer out = (OutputLayer) conf.getConf(3).getLayer();
        assertInstanceOf(LossMCXENT.class, out.getLossFn());
        FlushToZeroAdam adam = (FlushToZeroAdam) out.getIUpdater();
        assertEquals(0.001, adam.getLearningRate(), 1e-12);
        assertEquals(1e-7, adam.getEpsilon(), 1e-15, "Keras's epsilon");
    }

    @Test
    void optimizersMapToTheirKerasCounterparts() {
        assertInstanceOf(Sgd.class, ((BaseLayer) build("dense(2, softmax)", 2, "sgd").getConf(0).getLayer()).getIUpdater());
        assertInstanceOf(Nesterovs.class, ((BaseLayer) build("dense(2, softmax)", 2, "sgd(momentum=0.9, nesterov=true)")
                .getConf(0).getLayer()).getIUpdater());
        assertInstanceOf(Momentum.class, ((BaseLayer) build("dense(2, softmax)", 2, "sgd(momentum=0.9)")
                .getConf(0).getLayer()).getIUpdater());
        RmsProp rms = (RmsProp) ((BaseLayer) build("dense(2, softmax)", 2, "rmsprop").getConf(0).getLayer()).getIUpdater();
        assertEquals(0.9, rms.getRmsDecay(), 1e-12);
        assertInstanceOf(LossBinaryXENT.class, ((OutputLayer) build("dense(1, sigmoid)", 2, "adam").getConf(0).getLayer()).getLossFn());
    }

    @Test
    void classicalMomentumMatchesKerasUpdateRule() {
        // one linear unit, mse: compare two steps of v = m*v - lr*g; w += v against the DL4J network
        NetworkSpec spec = NetworkSpec.parse("dense(1)");
        OutputContract out = OutputContract.resolve(spec, "mse", Task.REGRESSION, 0);
        MultiLayerConfiguration conf = NetworkFactory.configuration(spec, 1, out, OptimizerSpec.parse("sgd(momentum=0.5)"), 0.1, 1, 0);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.setParams(Nd4j.createFromArray(new float[]{1f, 0f}).reshape(1, 2)); // w = 1, b = 0
        INDArray x = Nd4j.createFromArray(new float[]{2f}).reshape(1, 1);
        INDArray y = Nd4j.createFromArray(new float[]{0f}).reshape(1, 1);
        double w = 1, b = 0, vw = 0, vb = 0;
        for (int step = 0; step < 2; step++) {
            net.fit(x, y);
            double err = (w * 2 + b) - 0;      // d/dpred of (pred - y)^2 is 2*err
            double gw = 2 * err * 2, gb = 2 * err;
            vw = 0.5 * vw - 0.1 * gw;
            vb = 0.5 * vb - 0.1 * gb;
            w += vw;
            b += vb;
        }
        assertEquals(w, net.params().getDouble(0), 1e-5);
        assertEquals(b, net.params().getDouble(1), 1e-5);
        net.close();
    }

    @Test
    void stateRoundTripsThroughPlainValues() {
        MultiLayerNetwork net = new MultiLayerNetwork(build("dense(4, relu) dense(3, softmax)", 3, "adam"));
        net.init();
        NetworkState state = NetworkState.of(net);
        assertEquals(3, state.numOutputs());
        assertEquals(net.numParams(), state.params().length);
        assertEquals(net.numParams(), NetworkState.expectedParams(state.configurationJson()));
        MultiLayerNetwork back = state.restore();
        assertEquals(net.params(), back.params());
        assertEquals(net.getUpdater().getStateViewArray(), back.getUpdater().getStateViewArray());
        net.close();
        back.close();
    }
}
