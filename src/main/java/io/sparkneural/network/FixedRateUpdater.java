package io.sparkneural.network;

import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * An updater of ours whose learning rate is one number. Schedules are not DL4J's here: the trainer sets each epoch's
 * rate through {@code MultiLayerNetwork.setLearningRate}, which lands in {@link #setLrAndSchedule}.
 */
public abstract class FixedRateUpdater implements IUpdater {
    private double learningRate;

    protected FixedRateUpdater(double learningRate) {
        this.learningRate = learningRate;
    }

    public double getLearningRate() { return learningRate; }
    public void setLearningRate(double learningRate) { this.learningRate = learningRate; }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRate;
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        if (lrSchedule != null) {
            throw new UnsupportedOperationException(getClass().getSimpleName()
                    + " takes a fixed learning rate; spark-neural sets scheduled rates epoch by epoch");
        }
        this.learningRate = lr;
    }

    @Override
    public abstract FixedRateUpdater clone();
}
