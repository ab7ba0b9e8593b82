package io.sparkneural.network;

import org.deeplearning4j.nn.api.FwdPassType;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A network's output and mean loss on minibatches, dropout off, as DL4J's {@code output} and {@code score(ds,
 * false)} give them, for the per-epoch metrics. For a network {@link DenseStack} takes, both come from one fused
 * forward pass; DL4J computed the forward pass twice (once for the score, once for the output), which on the seed
 * MLP's minibatches of 32 made the training-set metrics several times slower than the epoch they measure. Other
 * networks, restored with {@link NetworkState#restoreForScoring}, take one DL4J forward pass ({@link ScoringNetwork}).
 */
public final class BatchScorer {
    /** One minibatch's result. */
    public record Scored(INDArray output, double lossSum) {}

    /** Minibatches scored in one forward pass by a {@link ScoringNetwork}; tests read it to know which code ran. */
    static final java.util.concurrent.atomic.AtomicLong ONE_PASS = new java.util.concurrent.atomic.AtomicLong();

    private final MultiLayerNetwork net;
    private final DenseStack dense;
    private final double regularization;

    public BatchScorer(MultiLayerNetwork net) {
        this.net = net;
        this.dense = DenseStack.forInference(net);
        this.regularization = dense == null ? 0 : net.calcRegularizationScore(true);
    }

    /** The output of {@code ds} and its loss summed over its examples (DL4J's mean score times the examples). */
    public Scored score(DataSet ds) {
        INDArray x = ds.getFeatures();
        INDArray y = ds.getLabels();
        if (dense != null && ds.getFeaturesMaskArray() == null && ds.getLabelsMaskArray() == null && x.rank() == 2
                && y.rank() == 2) {
            int rows = (int) x.rows();
            float[] out = dense.predict(x.dup('c').data().asFloat(), rows);
            double loss = dense.lossSum(out, y.dup('c').data().asFloat(), rows);
            if (!Double.isNaN(loss)) {
                return new Scored(NdArrays.floats(out, rows, out.length / rows), loss + regularization * rows);
            }
        }
        if (net instanceof ScoringNetwork scoring && !ds.hasMaskArrays()) {
            Scored scored = scoring.outputAndScore(x, y);
            if (scored != null) {
                ONE_PASS.incrementAndGet();
                return scored;
            }
        }
        double loss = net.score(ds, false) * ds.numExamples();
        return new Scored(net.output(x, false, ds.getFeaturesMaskArray(), ds.getLabelsMaskArray()), loss);
    }

    /**
     * A network that gives a minibatch's output and its score from one forward pass: DL4J's {@code score(ds, false)}
     * runs the layers up to the output layer's input, and {@code output} runs them all again. Here the output layer
     * takes that input once for both, as {@code score} itself does for the loss. Why: on the seed CNN the training-set
     * metrics after each epoch took 4.4-4.7 s of a 13.1-13.7 s epoch, half of it in the second pass.
     */
    public static final class ScoringNetwork extends MultiLayerNetwork {
        public ScoringNetwork(MultiLayerConfiguration conf) {
            super(conf);
        }

        /** The output and summed loss of an unmasked minibatch, dropout off; null where DL4J's own calls must run. */
        Scored outputAndScore(INDArray x, INDArray y) {
            int last = getnLayers() - 1;
            if (last < 1 || !(getLayer(last) instanceof IOutputLayer output)) return null;
            try {
                LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
                INDArray in = outputOfLayerDetached(false, FwdPassType.STANDARD, last - 1, x, null, null, null);
                InputPreProcessor pre = getLayerWiseConfigurations().getInputPreProcess(last);
                if (pre != null) in = pre.preProcess(in, (int) x.size(0), mgr);
                output.setInput(in, mgr);
                output.setLabels(y);
                // as MultiLayerNetwork.score(ds, false): the mean loss plus the regularisation, per example
                double score = output.computeScore(calcRegularizationScore(true), false, mgr);
                INDArray out = output.activate(false, mgr);
                return new Scored(out, score * x.size(0));
            } finally {
                clearLayersStates();
            }
        }
    }

    /** Frees the fused pass's scratch memory (the network's own arrays are the caller's). */
    public void release() {
        if (dense != null) dense.release();
    }
}
