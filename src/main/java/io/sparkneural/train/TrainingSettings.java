package io.sparkneural.train;

import java.io.Serializable;

/**
 * How the distributed trainer runs; plain values, validated by the stage that builds them.
 *
 * @param numWorkers         parallel workers; 0 = Spark's default parallelism
 * @param batchSize          minibatch rows per worker
 * @param averagingFrequency minibatches each worker fits between averagings
 * @param prefetchBatches    minibatches loaded ahead per worker
 * @param storageLevel       Spark storage level name for the minibatch RDD
 * @param seed               seed of the split/shuffle order
 * @param epochs             passes over the data
 * @param trackTrainingLoss  compute the full training loss after each epoch
 */
public record TrainingSettings(int numWorkers, int batchSize, int averagingFrequency, int prefetchBatches,
                               String storageLevel, long seed, int epochs, boolean trackTrainingLoss) implements Serializable {
}
