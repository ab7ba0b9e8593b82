package io.sparkneural.network;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A network's output and mean loss on minibatches, dropout off, as DL4J's {@code output} and {@code score(ds,
 * false)} give them, for the per-epoch metrics. For a network {@link DenseStack} takes, both come from one fused
 * forward pass; DL4J computed the forward pass twice (once for the score, once for the output), which on the seed
 * MLP's minibatches of 32 made the training-set metrics several times slower than the epoch they measure.
 */
public final class BatchScorer {
    /** One minibatch's result. */
    public record Scored(INDArray output, double lossSum) {}

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
        double loss = net.score(ds, false) * ds.numExamples();
        return new Scored(net.output(x, false, ds.getFeaturesMaskArray(), ds.getLabelsMaskArray()), loss);
    }

    /** Frees the fused pass's scratch memory (the network's own arrays are the caller's). */
    public void release() {
        if (dense != null) dense.release();
    }
}
