package io.sparkneural.benchmark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Section 7: spark-neural's MLP against averaging frequency and worker count, and a model of an epoch's time
 * fitted to those runs. For each worker count E the epoch time is fitted as {@code compute_E + rounds x round_E}
 * over the frequencies (least squares); the cost of one round is then split as {@code fixed + bytes x E / bandwidth}
 * from two worker counts, where a round moves the parameters and Adam's two moment arrays (float32) of every worker.
 */
final class Scaling {
  /** Floats per parameter that one averaging round moves: the parameter and Adam's two moments. */
  static final int FLOATS_PER_PARAMETER = 3;
  private static final int[] PREDICTED_EXECUTORS = {1, 2, 4, 8, 16, 32};

  private record Point(int workers, int frequency, TrainingRun run, int rounds) {}

  /**
   * The fitted line of one worker count.
   *
   * @param computeSeconds the epoch time without averaging (the intercept)
   * @param roundSeconds the time one averaging round adds (the slope)
   */
  private record Fit(int workers, double computeSeconds, double roundSeconds) {}

  private Scaling() {}

  static void run(BenchmarkContext ctx) {
    Settings s = ctx.settings;
    List<Point> points = new ArrayList<>();
    ctx.warmUp();
    for (int workers : s.scalingWorkers()) {
      for (int frequency : s.scalingFrequencies()) {
        ctx.progress("scaling: " + workers + " worker(s), averaging every " + frequency);
        SparkNeuralRun.Result result = SparkNeuralRun.train(ctx.data, SeedNetworks.MLP, s.scalingEpochs(),
            s.batchSize(), workers, frequency, s.learningRate(), s.seed());
        points.add(new Point(workers, frequency, result.run(), result.roundsPerEpoch()));
      }
    }
    List<List<String>> rows = new ArrayList<>();
    for (Point p : points) {
      rows.add(Report.row(Integer.toString(p.workers()), Integer.toString(p.frequency()), Integer.toString(p.rounds()),
          Report.number(p.run().secondsPerEpoch(), 2), Report.count(p.run().samplesPerSecond()),
          Report.accuracy(p.run().testAccuracy())));
    }
    Report.Section section = ctx.report.section("7. Scaling: averaging frequency and workers (MLP)")
        .note(String.format(Locale.ROOT, "%d epoch(s) per run, batch %d per worker, %,d training rows.",
            s.scalingEpochs(), s.batchSize(), ctx.data.trainRows))
        .table(Report.row("workers", "averaging every", "rounds / epoch", "s / epoch", "samples/s", "test accuracy"),
            rows);
    model(ctx, section, points);
    ctx.out.print(section.markdown());
  }

  private static void model(BenchmarkContext ctx, Report.Section section, List<Point> points) {
    Settings s = ctx.settings;
    long parameters = SeedNetworks.cost(SeedNetworks.MLP).parameters();
    double bytesPerWorker = parameters * FLOATS_PER_PARAMETER * 4.0;
    Map<Integer, Fit> fits = new LinkedHashMap<>();
    List<List<String>> rows = new ArrayList<>();
    for (int workers : s.scalingWorkers()) {
      List<Point> mine = points.stream().filter(p -> p.workers() == workers).toList();
      if (mine.size() < 2) {
        continue;
      }
      Fit fit = fit(workers, mine);
      fits.put(workers, fit);
      rows.add(Report.row(Integer.toString(workers), Report.number(fit.computeSeconds(), 2),
          Report.number(fit.roundSeconds() * 1e3, 2), Report.count(bytesPerWorker * workers)));
    }
    if (rows.isEmpty()) {
      section.note("The model needs at least two averaging frequencies per worker count.");
      return;
    }
    section.table(Report.row("workers E", "compute s / epoch (intercept)", "ms per averaging round (slope)",
        "bytes per round (" + FLOATS_PER_PARAMETER + " x " + parameters + " parameters x 4 B x E)"), rows);
    Fit one = fits.get(1);
    Fit other = fits.values().stream().filter(f -> f.workers() > 1).findFirst().orElse(null);
    if (one == null || other == null) {
      section.note("The split of a round into fixed cost and transfer needs runs with 1 worker and with more.");
      return;
    }
    if (one.roundSeconds() <= 0 || other.roundSeconds() <= 0) {
      section.note("The cost of an averaging round is below these runs' noise (a slope <= 0): train on more rows or "
          + "for more epochs (--scaling-epochs) to model it.");
      return;
    }
    double perWorker = (other.roundSeconds() - one.roundSeconds()) / (other.workers() - 1);
    double fixed = one.roundSeconds() - perWorker;
    String caveat = "";
    if (perWorker <= 0) {
      // a round cost no more with more workers: all of it is fixed
      fixed = (one.roundSeconds() + other.roundSeconds()) / 2;
      perWorker = 0;
      caveat = " A round did not cost more with more workers, so the whole round counts as fixed cost.";
    } else if (fixed < 0) {
      // a round's cost grew faster than in proportion to the workers: count all of it as transfer
      fixed = 0;
      perWorker = other.roundSeconds() / other.workers();
      caveat = " A round's cost grew faster than the workers, so the whole round counts as transfer.";
    }
    double bandwidth = perWorker > 0 ? bytesPerWorker / perWorker : Double.NaN;
    long batches = (ctx.data.trainRows + s.batchSize() - 1) / s.batchSize();
    int f = s.averagingFrequency();
    List<List<String>> predicted = new ArrayList<>();
    for (int executors : PREDICTED_EXECUTORS) {
      long rounds = (batches + (long) executors * f - 1) / ((long) executors * f);
      double compute = one.computeSeconds() / executors;
      double averaging = rounds * (fixed + perWorker * executors);
      predicted.add(Report.row(Integer.toString(executors), Long.toString(rounds), Report.number(compute, 2),
          Report.number(averaging, 2), Report.number(compute + averaging, 2),
          Report.count(ctx.data.trainRows / (compute + averaging))));
    }
    section.note(String.format(Locale.ROOT, "Model: time per epoch(E) = compute_1 / E + rounds(E) x (fixed + bytes "
            + "x E / bandwidth), rounds(E) = ceil(minibatches / (E x f)). Measured: compute_1 = %.2f s, fixed = %.2f "
            + "ms per round, bandwidth = %s MB/s (from the %d-worker slope against 1 worker; %,d minibatches per "
            + "epoch). With %d workers the measured compute was %.2f s against compute_1 / %d = %.2f s. On local "
            + "Spark a round's bytes cross memory, not a network, and E above the cores (%d) is extrapolation.%s",
        one.computeSeconds(), fixed * 1e3, Report.count(bandwidth / 1e6), other.workers(), batches,
        other.workers(), other.computeSeconds(), other.workers(), one.computeSeconds() / other.workers(),
        Runtime.getRuntime().availableProcessors(), caveat));
    section.table(Report.row("executors E", "rounds / epoch (f = " + f + ")", "compute s", "averaging s",
        "predicted s / epoch", "predicted samples/s"), predicted);
  }

  /** Least squares of seconds per epoch against rounds per epoch. */
  private static Fit fit(int workers, List<Point> points) {
    double n = points.size();
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    for (Point p : points) {
      double x = p.rounds();
      double y = p.run().secondsPerEpoch();
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    double denominator = n * sxx - sx * sx;
    double slope = denominator == 0 ? 0 : (n * sxy - sx * sy) / denominator;
    return new Fit(workers, (sy - slope * sx) / n, slope);
  }
}
