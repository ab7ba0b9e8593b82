package io.sparkneural.train;

import io.sparkneural.network.BatchScorer;
import io.sparkneural.network.NativeMemoryGuard;
import io.sparkneural.network.NetworkMemory;
import io.sparkneural.network.NetworkState;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.evaluation.regression.RegressionEvaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loss and metrics of a network over an RDD of minibatches, computed where the data lives with DL4J's own
 * evaluation classes (merged on the driver): mean loss (regularisation included, dropout off), plus accuracy for
 * classifiers or RMSE and MAE for regressors. No data is collected to the driver.
 *
 * <p>dl4j-spark's {@code calculateScore}/{@code evaluate} are not used: in local mode their tasks receive the
 * driver's live parameter array through the broadcast and release it, which breaks the next training round.
 */
final class EpochEvaluation {
    private EpochEvaluation() {}

    /** Partial results of one partition. */
    private static final class Partial implements Serializable {
        double lossSum;
        long rows;
        Evaluation classification;
        RegressionEvaluation regression;

        Partial merge(Partial other) {
            lossSum += other.lossSum;
            rows += other.rows;
            if (classification == null) classification = other.classification;
            else if (other.classification != null) classification.merge(other.classification);
            if (regression == null) regression = other.regression;
            else if (other.regression != null) regression.merge(other.regression);
            return this;
        }
    }

    /**
     * @param classification true for accuracy, false for rmse/mae
     * @param prefix         "" for training data, "val_" for validation data
     */
    static Map<String, Double> evaluate(JavaSparkContext sc, NetworkState state, JavaRDD<DataSet> minibatches,
                                        boolean classification, String prefix) {
        Broadcast<NetworkState> b = sc.broadcast(state);
        try {
            Partial total = minibatches.mapPartitions(batches -> {
                Partial p = new Partial();
                if (batches.hasNext()) {
                    GpuAssignment.apply();
                    MultiLayerNetwork net = b.value().restoreForScoring();
                    BatchScorer scorer = new BatchScorer(net);
                    try {
                        while (batches.hasNext()) {
                            NativeMemoryGuard.check();
                            DataSet ds = batches.next();
                            BatchScorer.Scored scored = scorer.score(ds);
                            p.lossSum += scored.lossSum();
                            p.rows += ds.numExamples();
                            INDArray out = scored.output();
                            // padded timesteps of per-timestep labels are masked out of the metrics too
                            if (classification) {
                                if (p.classification == null) p.classification = new Evaluation();
                                p.classification.eval(ds.getLabels(), out, ds.getLabelsMaskArray());
                            } else {
                                if (p.regression == null) p.regression = new RegressionEvaluation();
                                p.regression.eval(ds.getLabels(), out, ds.getLabelsMaskArray());
                            }
                        }
                    } finally {
                        scorer.release();
                        NetworkMemory.release(net);
                    }
                }
                return Collections.singletonList(p).iterator();
            }).reduce(Partial::merge);
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put(prefix + "loss", total.rows == 0 ? Double.NaN : total.lossSum / total.rows);
            if (total.classification != null) metrics.put(prefix + "accuracy", total.classification.accuracy());
            if (total.regression != null) {
                metrics.put(prefix + "rmse", total.regression.averagerootMeanSquaredError());
                metrics.put(prefix + "mae", total.regression.averageMeanAbsoluteError());
            }
            return metrics;
        } finally {
            b.destroy();
        }
    }
}
