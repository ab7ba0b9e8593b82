package io.sparkneural.train;

import java.io.Serializable;
import java.util.List;

/**
 * What a model was trained with and how training went: provenance and history, saved with the model.
 *
 * @param sparkVersion       Spark version that trained it
 * @param dl4jVersion        DL4J/ND4J version
 * @param sparkNeuralVersion this library's version
 * @param seed               the seed Param
 * @param rows               training rows (validation rows excluded)
 * @param validationRows     validation rows, 0 without validation
 * @param numFeatures        feature vector size
 * @param epochs             epochs planned (the epochs Param)
 * @param numWorkers         training workers
 * @param history            one record per epoch run
 * @param monitor            the metric early stopping watched
 * @param bestEpoch          1-based epoch with the best monitored value; 0 when none counted
 * @param bestValue          that value, or NaN
 * @param stoppedEpoch       epoch after which early stopping ended training; 0 when all epochs ran
 * @param restoredBest       true when the model holds the best epoch's weights instead of the last epoch's
 * @param warnings           things the user should know (unscaled features, ...)
 */
public record TrainingSummary(String sparkVersion, String dl4jVersion, String sparkNeuralVersion, long seed, long rows,
                              long validationRows, int numFeatures, int epochs, int numWorkers, List<EpochRecord> history,
                              String monitor, int bestEpoch, double bestValue, int stoppedEpoch, boolean restoredBest,
                              List<String> warnings) implements Serializable {

    public TrainingSummary {
        history = List.copyOf(history);
        warnings = List.copyOf(warnings);
    }

    /** Training loss after each epoch. */
    public double[] lossHistory() {
        return history.stream().mapToDouble(EpochRecord::loss).toArray();
    }

    /** Training loss after the last epoch run. */
    public double finalLoss() {
        return history.isEmpty() ? Double.NaN : history.get(history.size() - 1).loss();
    }

    /** Total training wall time in seconds. */
    public double trainSeconds() {
        return history.stream().mapToDouble(EpochRecord::seconds).sum();
    }
}
