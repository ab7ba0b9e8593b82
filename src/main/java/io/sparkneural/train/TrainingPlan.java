package io.sparkneural.train;

import io.sparkneural.spec.ScheduleSpec;

import java.util.List;

/**
 * What steers a training run besides the data and the network: the learning rate and its schedule, early
 * stopping, and the listeners to tell.
 *
 * @param learningRate       base learning rate
 * @param schedule           learning-rate schedule
 * @param earlyStopping      stopping rule (also names the metric reduce_on_plateau watches)
 * @param restoreBestWeights return the best epoch's weights instead of the last epoch's
 * @param classification     true for accuracy metrics, false for rmse/mae
 * @param listeners          told on the driver, in order
 */
public record TrainingPlan(double learningRate, ScheduleSpec schedule, EarlyStopping earlyStopping,
                           boolean restoreBestWeights, boolean classification, List<TrainingListener> listeners) {
    public TrainingPlan {
        listeners = List.copyOf(listeners);
    }
}
