package io.sparkneural.train;

import java.io.Serializable;

/**
 * What a model was trained with and how training went: provenance saved with the model.
 *
 * @param sparkVersion       Spark version that trained it
 * @param dl4jVersion        DL4J/ND4J version
 * @param sparkNeuralVersion this library's version
 * @param seed               the seed Param
 * @param rows               training rows
 * @param numFeatures        feature vector size
 * @param epochs             epochs run
 * @param numWorkers         training workers
 * @param lossHistory        training loss after each epoch
 * @param epochSeconds       wall time of each epoch
 */
public record TrainingSummary(String sparkVersion, String dl4jVersion, String sparkNeuralVersion, long seed, long rows,
                              int numFeatures, int epochs, int numWorkers, double[] lossHistory,
                              double[] epochSeconds) implements Serializable {

    /** Training loss after the last epoch. */
    public double finalLoss() {
        return lossHistory.length == 0 ? Double.NaN : lossHistory[lossHistory.length - 1];
    }

    /** Total training wall time in seconds. */
    public double trainSeconds() {
        double s = 0;
        for (double e : epochSeconds) s += e;
        return s;
    }
}
