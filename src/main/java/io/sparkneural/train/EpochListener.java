package io.sparkneural.train;

/** Told on the driver after each epoch; lets stages and users log progress. */
@FunctionalInterface
public interface EpochListener {
    /**
     * @param epoch   1-based
     * @param loss    training loss after the epoch (mean over the data, or the workers' last minibatch when
     *                full-loss tracking is off)
     * @param seconds wall time of the epoch
     */
    void onEpochEnd(int epoch, int epochs, double loss, double seconds);
}
