package io.sparkneural.ml;

import io.sparkneural.network.NetworkRunner;
import io.sparkneural.network.NetworkState;
import io.sparkneural.train.TrainingSummary;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.SparkSession;

import java.io.Serializable;

/**
 * What both Model classes hold and do with their network: the state, the sizes, the provenance, a lazily built
 * driver-side network for single-row {@code predict}, and the broadcast used by {@code transform}.
 */
public final class NeuralModelSupport implements Serializable {
    final NetworkState state;
    final int numFeatures;
    final int numOutputs;
    final TrainingSummary summary;
    private transient NetworkRunner driverRunner;
    private transient Broadcast<NetworkState> broadcast;
    private transient org.apache.spark.SparkContext broadcastContext;

    NeuralModelSupport(NetworkState state, int numFeatures, int numOutputs, TrainingSummary summary) {
        this.state = state;
        this.numFeatures = numFeatures;
        this.numOutputs = numOutputs;
        this.summary = summary;
    }

    /** One row's network output, computed on the calling JVM. */
    synchronized float[] predictOne(Vector features, String featuresCol, io.sparkneural.network.ExampleLayout layout) {
        io.sparkneural.data.DataChecks.requireSize(features, numFeatures, featuresCol, "the given row");
        if (driverRunner == null) driverRunner = new NetworkRunner(state, layout);
        float[] x = new float[numFeatures];
        io.sparkneural.data.FeatureRows.copy(features, x, 0, layout);
        return driverRunner.predict(x, 1);
    }

    /** The state broadcast once per SparkContext (a model can outlive the session it was fitted in). */
    synchronized Broadcast<NetworkState> broadcast(SparkSession spark) {
        if (broadcast == null || broadcastContext != spark.sparkContext() || broadcastContext.isStopped()) {
            broadcastContext = spark.sparkContext();
            broadcast = spark.sparkContext().broadcast(state, scala.reflect.ClassTag$.MODULE$.apply(NetworkState.class));
        }
        return broadcast;
    }
}
