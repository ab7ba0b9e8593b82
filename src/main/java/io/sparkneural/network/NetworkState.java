package io.sparkneural.network;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;

/**
 * A trained network as plain values: DL4J's JSON configuration, the flattened parameters and the flattened
 * updater state (optimizer moments, so training can continue). This, not a live network, is what models hold,
 * broadcast and save: the runtime network is rebuilt from it where it is needed and closed after use.
 */
public final class NetworkState implements Serializable {
    private static final long serialVersionUID = 1L;
    // a class, not a record: Kryo (Spark's broadcast serializer here) cannot write a record's final fields
    private final String configurationJson;
    private final float[] params;
    private final float[] updaterState;

    public NetworkState(String configurationJson, float[] params, float[] updaterState) {
        this.configurationJson = configurationJson;
        this.params = params;
        this.updaterState = updaterState;
    }

    /** DL4J's JSON configuration. */
    public String configurationJson() { return configurationJson; }

    /** Flattened parameters (not copied: do not modify). */
    public float[] params() { return params; }

    /** Flattened optimizer state; empty for stateless optimizers (not copied: do not modify). */
    public float[] updaterState() { return updaterState; }

    /** Copies the state out of a live network. */
    public static NetworkState of(MultiLayerNetwork net) {
        INDArray u = net.getUpdater() == null ? null : net.getUpdater().getStateViewArray();
        return new NetworkState(net.getLayerWiseConfigurations().toJson(),
                net.params().dup().data().asFloat(),
                u == null ? new float[0] : u.dup().data().asFloat());
    }

    /** Rebuilds a live network with its parameters and optimizer state; the caller closes it. */
    public MultiLayerNetwork restore() {
        MultiLayerNetwork net = restoreForInference();
        if (updaterState.length > 0) {
            net.setUpdater(new MultiLayerUpdater(net, Nd4j.createFromArray(updaterState)));
        }
        return net;
    }

    /** Rebuilds a live network with its parameters only (enough to predict or score); the caller closes it. */
    public MultiLayerNetwork restoreForInference() {
        return withParams(new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configurationJson)));
    }

    /**
     * As {@link #restoreForInference}, as a network a {@link BatchScorer} scores and predicts with in one forward
     * pass; the caller closes it.
     */
    public MultiLayerNetwork restoreForScoring() {
        return withParams(new BatchScorer.ScoringNetwork(MultiLayerConfiguration.fromJson(configurationJson)));
    }

    private MultiLayerNetwork withParams(MultiLayerNetwork net) {
        net.init(Nd4j.createFromArray(params).reshape(1, params.length), false);
        LayerHelpers.install(net);
        return net;
    }

    /** Units of the output layer. */
    public int numOutputs() {
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(configurationJson);
        Layer last = conf.getConf(conf.getConfs().size() - 1).getLayer();
        return (int) ((FeedForwardLayer) last).getNOut();
    }

    /** Number of parameters the configuration defines; used to reject damaged or mismatched files. */
    public static long expectedParams(String configurationJson) {
        MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configurationJson));
        net.init();
        try {
            return net.numParams();
        } finally {
            NetworkMemory.release(net);
        }
    }
}
