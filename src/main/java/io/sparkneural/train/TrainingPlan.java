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
 * @param checkpoints        where to write checkpoints, or null
 * @param checkpointInterval write a checkpoint every this many epochs (and after the last)
 * @param fingerprint        the run's settings, stored with checkpoints so a resume can refuse other settings
 * @param resumeFrom         checkpoint to continue from, or null to start afresh
 * @param estimatorParams    the estimator's Params as JSON, stored with checkpoints for the record
 */
public record TrainingPlan(double learningRate, ScheduleSpec schedule, EarlyStopping earlyStopping,
                           boolean restoreBestWeights, boolean classification, List<TrainingListener> listeners,
                           CheckpointStore checkpoints, int checkpointInterval, String fingerprint,
                           CheckpointStore.Checkpoint resumeFrom, String estimatorParams) {
    public TrainingPlan {
        listeners = List.copyOf(listeners);
    }

    /** A plan without checkpoints. */
    public TrainingPlan(double learningRate, ScheduleSpec schedule, EarlyStopping earlyStopping,
                        boolean restoreBestWeights, boolean classification, List<TrainingListener> listeners) {
        this(learningRate, schedule, earlyStopping, restoreBestWeights, classification, listeners, null, 1, "", null, "{}");
    }
}
