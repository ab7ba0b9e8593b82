package io.sparkneural.train;

import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Runs the averaging rounds of one epoch over minibatches it holds; the trainer around it does the rest (schedules,
 * evaluation, early stopping, checkpoints). Two engines: {@link AveragingRounds} (ours, the default) and
 * dl4j-spark's training master ({@link Dl4jSparkEngine}); the benchmark measures them side by side.
 */
interface EpochEngine extends AutoCloseable {
    /** Told after each averaging round (1-based round, rounds in the epoch). */
    interface RoundListener {
        void onRoundEnd(int round, int rounds);
    }

    /** The driver's network: the averaged state after each round, where schedules set the learning rate. */
    MultiLayerNetwork network();

    /** Training rows. */
    long rows();

    /**
     * The training minibatches as the engine cached them, to evaluate the network on. Read each partition's in order,
     * once: a minibatch's arrays may be reused for the next one.
     */
    JavaRDD<DataSet> minibatches();

    /**
     * Fits one epoch (1-based) and returns the mean training score the workers saw last.
     *
     * @param learningRate the epoch's rate from the schedule, or NaN to keep the configured one
     */
    double fitEpoch(int epoch, double learningRate, RoundListener onRound);

    @Override
    void close();
}
