package io.sparkneural.train;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one epoch did: one row of the training history.
 *
 * @param epoch            1-based
 * @param metrics          "loss" and, where computed, "accuracy", "rmse", "mae" and their "val_" counterparts
 * @param learningRate     the rate used in this epoch
 * @param seconds          wall time of the epoch, evaluation included
 * @param samplesPerSecond training rows per second of training (evaluation excluded)
 */
public record EpochRecord(int epoch, Map<String, Double> metrics, double learningRate, double seconds,
                          double samplesPerSecond) implements Serializable {

    public EpochRecord {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** The metric's value, or NaN when it was not computed. */
    public double metric(String name) {
        return metrics.getOrDefault(name, Double.NaN);
    }

    /** Training loss. */
    public double loss() {
        return metric("loss");
    }
}
