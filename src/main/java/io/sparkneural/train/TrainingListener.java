package io.sparkneural.train;

/**
 * Told on the driver as training progresses; attach one to a stage to log, plot or stop training. Early stopping,
 * learning-rate schedules, divergence checks and console progress are such listeners too.
 */
public interface TrainingListener {
    /** Before the first epoch, with the number of epochs planned. */
    default void onTrainingStart(int epochs) {}

    /** After each averaging round within an epoch (rounds are 1-based). */
    default void onRoundEnd(int epoch, int round, int rounds) {}

    /** After each epoch's evaluation. */
    default void onEpochEnd(EpochRecord record) {}
}
