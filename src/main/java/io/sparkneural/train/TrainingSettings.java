package io.sparkneural.train;

import java.io.Serializable;

/**
 * How the distributed trainer runs; plain values, validated by the stage that builds them.
 *
 * @param numWorkers         parallel workers; 0 = Spark's default parallelism
 * @param batchSize          minibatch rows per worker
 * @param averagingFrequency minibatches each worker fits between averagings
 * @param prefetchBatches    minibatches loaded ahead per worker (dl4j-spark engine only)
 * @param storageLevel       Spark storage level name for the minibatch RDD
 * @param seed               seed of the split/shuffle order
 * @param epochs             passes over the data
 * @param trackTrainingLoss  compute the full training loss after each epoch
 * @param engine             {@link #ROUNDS} or {@link #DL4J_SPARK}
 */
public record TrainingSettings(int numWorkers, int batchSize, int averagingFrequency, int prefetchBatches,
                               String storageLevel, long seed, int epochs, boolean trackTrainingLoss,
                               String engine) implements Serializable {
    /** Our averaging loop over minibatches cached in Spark's block store (the default). */
    public static final String ROUNDS = "rounds";
    /** dl4j-spark's ParameterAveragingTrainingMaster. */
    public static final String DL4J_SPARK = "dl4j-spark";

    public TrainingSettings {
        if (!engine.equals(ROUNDS) && !engine.equals(DL4J_SPARK)) {
            throw new IllegalArgumentException("trainingEngine must be " + ROUNDS + " or " + DL4J_SPARK + ", but got " + engine);
        }
    }

    /** With the default engine. */
    public TrainingSettings(int numWorkers, int batchSize, int averagingFrequency, int prefetchBatches,
                            String storageLevel, long seed, int epochs, boolean trackTrainingLoss) {
        this(numWorkers, batchSize, averagingFrequency, prefetchBatches, storageLevel, seed, epochs, trackTrainingLoss,
                ROUNDS);
    }
}
