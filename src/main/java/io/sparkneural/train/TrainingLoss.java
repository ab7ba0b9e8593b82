package io.sparkneural.train;

import io.sparkneural.network.NetworkState;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

import java.util.Collections;

/**
 * The mean loss of a network over all minibatches of an RDD (regularisation included, dropout off), computed
 * where the data lives. dl4j-spark's own {@code calculateScore} is not used: in local mode its tasks receive the
 * driver's live parameter array through the broadcast and release it, which breaks the next training round.
 */
final class TrainingLoss {
    private TrainingLoss() {}

    static double mean(JavaSparkContext sc, NetworkState state, JavaRDD<DataSet> minibatches) {
        Broadcast<NetworkState> b = sc.broadcast(state);
        try {
            double[] total = minibatches.mapPartitions(batches -> {
                double sum = 0;
                long rows = 0;
                if (batches.hasNext()) {
                    MultiLayerNetwork net = b.value().restoreForInference();
                    try {
                        while (batches.hasNext()) {
                            DataSet ds = batches.next();
                            sum += net.score(ds, false) * ds.numExamples();
                            rows += ds.numExamples();
                        }
                    } finally {
                        net.close();
                    }
                }
                return Collections.singletonList(new double[]{sum, rows}).iterator();
            }).reduce((x, y) -> new double[]{x[0] + y[0], x[1] + y[1]});
            return total[0] / total[1];
        } finally {
            b.destroy();
        }
    }
}
