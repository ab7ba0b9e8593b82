package io.sparkneural.benchmark;

import java.util.List;

/**
 * One contender's training run: its accuracy curve and its times.
 *
 * @param contender e.g. "spark-neural" or "plain DL4J"
 * @param setting how it ran, e.g. "2 workers, averaging every 5"
 * @param rows training rows per epoch
 * @param curve one point per epoch (or per run, for contenders trained to a fixed iteration count)
 * @param trainSeconds seconds spent in the epochs themselves, evaluation excluded
 * @param wallSeconds seconds from the start of training (setup and data conversion included) to its end,
 *     evaluation excluded
 * @param testAccuracy accuracy on the test rows at the end
 */
record TrainingRun(String contender, String setting, long rows, List<Point> curve, double trainSeconds,
    double wallSeconds, double testAccuracy) {

  /**
   * The state after one epoch.
   *
   * @param epoch 1-based
   * @param wallSeconds seconds since the start of training, evaluation excluded
   * @param testAccuracy accuracy on the test rows after this epoch
   */
  record Point(int epoch, double wallSeconds, double testAccuracy) {}

  /** Epochs trained. */
  int epochs() {
    return curve.isEmpty() ? 0 : curve.get(curve.size() - 1).epoch();
  }

  /** Training rows per second of epoch time. */
  double samplesPerSecond() {
    return rows * (double) epochs() / trainSeconds;
  }

  /** Epoch time, averaged. */
  double secondsPerEpoch() {
    return trainSeconds / epochs();
  }

  /** Seconds since the start of training when the test accuracy first reached {@code target}; NaN if never. */
  double secondsTo(double target) {
    for (Point p : curve) {
      if (p.testAccuracy() >= target) {
        return p.wallSeconds();
      }
    }
    return Double.NaN;
  }

  /** The test accuracy of the last epoch finished within {@code seconds} of the start; NaN if none was. */
  double accuracyAt(double seconds) {
    double accuracy = Double.NaN;
    for (Point p : curve) {
      if (p.wallSeconds() <= seconds) {
        accuracy = p.testAccuracy();
      }
    }
    return accuracy;
  }

  /** The best test accuracy over the curve. */
  double bestAccuracy() {
    return curve.stream().mapToDouble(Point::testAccuracy).max().orElse(Double.NaN);
  }
}
