package io.sparkneural.train;

import io.sparkneural.network.NetworkState;

import java.io.Serializable;
import java.util.function.Supplier;

/**
 * Keras's EarlyStopping: stop when the monitored metric has not improved by {@code minDelta} for {@code patience}
 * epochs (counting from {@code startEpoch}), optionally only once it has beaten {@code baseline}, and remember the
 * best epoch's weights so they can be restored.
 *
 * @param monitor     metric name, e.g. val_loss, val_accuracy, loss
 * @param maximize    true when larger is better
 * @param patience    epochs without improvement before stopping; 0 = never stop (still tracks the best epoch)
 * @param minDelta    smallest change that counts as an improvement (>= 0)
 * @param startEpoch  first epoch that counts (1-based)
 * @param baseline    value the metric must beat before patience starts running out; NaN = none
 */
public record EarlyStopping(String monitor, boolean maximize, int patience, double minDelta, int startEpoch,
                            double baseline) implements Serializable {

    /** Whether {@code name} is a metric that gets better as it grows. */
    public static boolean maximizedByDefault(String name) {
        return name.endsWith("accuracy");
    }

    /** Tracks one training run. */
    public Tracker start() {
        return new Tracker();
    }

    /** The running state of early stopping for one fit. */
    public final class Tracker {
        private double best = Double.NaN;
        private int bestEpoch;
        private int wait;
        private NetworkState bestState;

        /**
         * @param state the network after this epoch, taken only when this epoch is the best so far
         * @return true when training should stop after this epoch
         */
        public boolean update(EpochRecord record, Supplier<NetworkState> state) {
            double value = record.metric(monitor);
            if (Double.isNaN(value)) {
                throw new IllegalArgumentException("earlyStoppingMonitor is '" + monitor + "', but epoch " + record.epoch()
                        + " has no such metric; it has " + String.join(", ", record.metrics().keySet())
                        + (monitor.startsWith("val_") ? " (set validationSplit or validationIndicatorCol)" : ""));
            }
            if (record.epoch() < startEpoch) return false;
            boolean improved = Double.isNaN(best) ? beats(value, Double.isNaN(baseline) ? Double.NaN : baseline)
                    : beats(value, best);
            if (improved) {
                best = value;
                bestEpoch = record.epoch();
                bestState = state.get();
                wait = 0;
                return false;
            }
            wait++;
            return patience > 0 && wait >= patience;
        }

        private boolean beats(double value, double reference) {
            if (Double.isNaN(reference)) return true;
            return maximize ? value > reference + minDelta : value < reference - minDelta;
        }

        /** Number of epochs since the last improvement. */
        public int waited() {
            return wait;
        }

        /** Continues from a checkpoint's state. */
        public void restore(double best, int bestEpoch, int wait, NetworkState bestState) {
            this.best = best;
            this.bestEpoch = bestEpoch;
            this.wait = wait;
            this.bestState = bestState;
        }

        /** 1-based best epoch, or 0 when no epoch counted (all before startEpoch or none beat the baseline). */
        public int bestEpoch() {
            return bestEpoch;
        }

        /** The best value of the monitored metric, or NaN. */
        public double bestValue() {
            return best;
        }

        /** The best epoch's network, or null. */
        public NetworkState bestState() {
            return bestState;
        }
    }
}
