package io.sparkneural.benchmark;

import io.sparkneural.spec.NetworkSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The closing sections: every training run's achieved FLOP/s against the sgemm peak, and the targets with
 * the measured figures. Targets are reported, never asserted.
 */
final class Summary {
  private Summary() {}

  static void write(BenchmarkContext ctx) {
    achievedFlops(ctx);
    gemmBound(ctx);
    targets(ctx);
  }

  /** Each spark-neural run against what its matrix multiplies alone would allow, timed at its own shapes. */
  private static void gemmBound(BenchmarkContext ctx) {
    Settings s = ctx.settings;
    List<List<String>> rows = new ArrayList<>();
    addGemmBound(ctx, rows, "MLP", SeedNetworks.MLP, s.batchSize(), s.workers(), ctx.sparkMlp);
    addGemmBound(ctx, rows, "MLP of section 1b", s.fast().layers(), s.fast().batchSize(), s.workers(),
        ctx.sparkFast);
    addGemmBound(ctx, rows, "CNN", SeedNetworks.CNN, s.batchSize(), s.workers(), ctx.sparkCnn);
    if (rows.isEmpty()) {
      return;
    }
    Report.Section section = ctx.report.section("5c. The physical limit: each network's matrix multiplies alone")
        .table(Report.row("network", "minibatch", "products per step", "GFLOP per step", "GEMMs alone, ms per step",
            "their GFLOP/s (1 thread)", "spark-neural, ms per step per worker", "share of the step in GEMMs",
            "samples/s with GEMMs alone (" + s.workers() + " workers)", "their FLOP/s, of sgemm peak"), rows)
        .note("Each product of a training step (forward, weight gradient, and input gradient but for the first "
            + "layer's, which spark-neural does not compute; in DenseStack's and GemmConvolution's layouts, a "
            + "convolution's products per example or per chunk of examples as it runs them) timed alone on one thread "
            + "with OpenBLAS's cblas_sgemm as those layers call it, best of 5 blocks, after the training sections. "
            + "spark-neural's "
            + "step per worker is workers x minibatch / samples/s of its run above, averaging rounds included. "
            + "The last two columns are what the run would reach if everything but the multiplies took no time, "
            + "each worker on its own core: the ceiling its layer shapes set, in the FLOPs those products execute. "
            + "Section 5b counts 3 forward passes per example instead, the first layer's input gradient included: "
            + "for the MLPs, whose first layer holds most of the arithmetic, that is about 1.5x what runs.");
    ctx.out.print(section.markdown());
  }

  private static void addGemmBound(BenchmarkContext ctx, List<List<String>> rows, String network, String layers,
      int batch, int workers, TrainingRun run) {
    if (run == null) {
      return;
    }
    List<FlopCounter.Gemm> gemms = FlopCounter.gemms(NetworkSpec.parse(layers),
        SeedNetworks.inputShape(layers), batch);
    long flops = gemms.stream().mapToLong(FlopCounter.Gemm::flops).sum();
    double gemmSeconds = GemmTiming.secondsPerStep(gemms);
    double stepSeconds = workers * batch / run.samplesPerSecond();
    int parallel = Math.min(workers, Runtime.getRuntime().availableProcessors());
    double boundSamples = parallel * batch / gemmSeconds;
    double boundFlops = parallel * flops / gemmSeconds;
    int products = gemms.stream().mapToInt(FlopCounter.Gemm::times).sum();
    rows.add(Report.row(network, Integer.toString(batch), Integer.toString(products),
        Report.number(flops / 1e9, 3), Report.number(gemmSeconds * 1e3, 2), Report.number(flops / gemmSeconds / 1e9, 1),
        Report.number(stepSeconds * 1e3, 2), Report.percent(gemmSeconds / stepSeconds), Report.count(boundSamples),
        Report.percent(boundFlops / ctx.peakFlopsPerSecond)));
  }

  private static void achievedFlops(BenchmarkContext ctx) {
    List<List<String>> rows = new ArrayList<>();
    addFlops(ctx, rows, "MLP", SeedNetworks.MLP, ctx.sparkMlp);
    ctx.plainMlp.forEach(r -> addFlops(ctx, rows, "MLP", SeedNetworks.MLP, r));
    addFlops(ctx, rows, "MLP", SeedNetworks.MLP, ctx.sklearnMlp);
    addFlops(ctx, rows, "MLP of section 1b", ctx.settings.fast().layers(), ctx.sparkFast);
    addFlops(ctx, rows, "MLP of section 1b", ctx.settings.fast().layers(), ctx.sklearnFast);
    addFlops(ctx, rows, "CNN", SeedNetworks.CNN, ctx.sparkCnn);
    ctx.plainCnn.forEach(r -> addFlops(ctx, rows, "CNN", SeedNetworks.CNN, r));
    if (rows.isEmpty()) {
      return;
    }
    Report.Section section = ctx.report.section("5b. The physical limit: achieved FLOP/s of each training run")
        .table(Report.row("network", "contender", "setting", "samples/s", "GFLOP/s", "of sgemm peak"), rows)
        .note("Peak: " + (Double.isNaN(ctx.peakFlopsPerSecond) ? "not measured (section peak not run)"
            : Report.number(ctx.peakFlopsPerSecond / 1e9, 1) + " GFLOP/s") + ". FLOPs per example are 3 forward "
            + "passes, counted from the layer shapes, whatever a contender skips (spark-neural does not compute the "
            + "first layer's input gradient; section 5c counts what its products execute). scikit-learn computes "
            + "in float64, whose peak is about half the float32 one.");
    ctx.out.print(section.markdown());
  }

  private static void addFlops(BenchmarkContext ctx, List<List<String>> rows, String network, String layers,
      TrainingRun run) {
    if (run != null) {
      rows.add(Report.row(network, run.contender(), run.setting(), Report.count(run.samplesPerSecond()),
          Report.number(BenchmarkContext.achievedFlopsPerSecond(run, layers) / 1e9, 2),
          Report.percent(ctx.fractionOfPeak(run, layers))));
    }
  }

  private static void targets(BenchmarkContext ctx) {
    Settings s = ctx.settings;
    List<List<String>> rows = new ArrayList<>();
    if (ctx.sparkMlp != null) {
      for (TrainingRun plain : ctx.plainMlp) {
        rows.add(target("MLP: spark-neural >= 1.0x plain DL4J samples/s (" + plain.setting() + ")",
            ctx.sparkMlp.samplesPerSecond() / plain.samplesPerSecond(), 1.0, true, "x", "-"));
      }
      for (int threads : s.plainThreads()) {
        medianRatio(ctx, "1", SparkVersusPlain.plainContender(threads)).ifPresent(r -> rows.add(target("MLP: the "
            + "same, ratio of the median samples/s over " + r.runs() + " runs each against "
            + SparkVersusPlain.plainContender(threads) + " (section 1)", r.ratio(), 1.0, true, "x", "-")));
      }
      rows.add(target("MLP: time to " + s.targetAccuracy() + " test accuracy <= 5 s of training",
          ctx.sparkMlp.secondsTo(s.targetAccuracy()), 5.0, false, " s", "no (not reached)"));
      oneThread(ctx.plainMlp).ifPresent(plain -> rows.add(accuracyGap("MLP", ctx.sparkMlp, plain)));
      if (!Double.isNaN(ctx.mllibBestAccuracy)) {
        rows.add(target("MLP: final test accuracy above MLlib's best (" + Report.accuracy(ctx.mllibBestAccuracy)
            + "), in points", 100 * (ctx.sparkMlp.testAccuracy() - ctx.mllibBestAccuracy), 0, true, " points", "-"));
      }
    }
    if (ctx.sparkFast != null) {
      rows.add(target("MLP task, settings of section 1b: time to " + s.targetAccuracy() + " test accuracy <= 5 s",
          ctx.sparkFast.secondsTo(s.targetAccuracy()), 5.0, false, " s", "no (not reached)"));
      if (ctx.sklearnFast != null) {
        rows.add(target("MLP task, settings of section 1b: spark-neural >= 1.0x scikit-learn samples/s (same layers, "
            + "batch " + s.fast().batchSize() + ")",
            ctx.sparkFast.samplesPerSecond() / ctx.sklearnFast.samplesPerSecond(), 1.0, true, "x", "-"));
        medianRatio(ctx, "1b", SparkVersusPlain.SKLEARN).ifPresent(r -> rows.add(target("MLP task, settings of "
            + "section 1b: the same, ratio of the median samples/s over " + r.runs() + " runs each", r.ratio(), 1.0,
            true, "x", "-")));
      }
    }
    if (ctx.sparkMlp != null && ctx.sklearnMlp != null) {
      rows.add(target("MLP: spark-neural >= 1.0x scikit-learn samples/s at equal batch",
          ctx.sparkMlp.samplesPerSecond() / ctx.sklearnMlp.samplesPerSecond(), 1.0, true, "x", "-"));
    }
    if (ctx.sparkCnn != null) {
      oneThread(ctx.plainCnn).ifPresent(plain -> {
        rows.add(target("CNN: spark-neural (" + s.workers() + " workers) >= 1.9x plain one-thread DL4J samples/s",
            ctx.sparkCnn.samplesPerSecond() / plain.samplesPerSecond(), 1.9, true, "x", "-"));
        rows.add(accuracyGap("CNN", ctx.sparkCnn, plain));
      });
      if (ctx.sparkCnnSpeeds.size() > 1 && ctx.plainCnnSpeeds.size() > 1) {
        rows.add(target("CNN: the same, ratio of the median samples/s over " + ctx.sparkCnnSpeeds.size() + " and "
            + ctx.plainCnnSpeeds.size() + " runs (section 4b)",
            median(ctx.sparkCnnSpeeds) / median(ctx.plainCnnSpeeds), 1.9, true, "x", "-"));
      }
      if (ctx.sideBySideCnnSpeeds.size() > 1 && ctx.plainCnnSpeeds.size() > 1) {
        // no target of its own: the machine's ceiling for the one above, and spark-neural's share of it
        rows.add(Report.row("CNN, for the target above: " + s.workers() + " plain trainings side by side (no Spark, "
            + "never averaged) against one thread, and spark-neural against them, ratios of the medians (section 4b)",
            String.format(Locale.ROOT, "%.2fx; %.2fx", median(ctx.sideBySideCnnSpeeds) / median(ctx.plainCnnSpeeds),
                median(ctx.sparkCnnSpeeds) / median(ctx.sideBySideCnnSpeeds)), "(the machine's ceiling)"));
      }
      if (ctx.cnnSeeds.size() > 1) {
        String seeds = ctx.cnnSeeds.stream().map(p -> Long.toString(p.seed())).collect(Collectors.joining(", "));
        rows.add(target("CNN: the same, mean gap over seeds " + seeds + " (section 4b)",
            meanGap(ctx.cnnSeeds, false), 0.3, false, " points", "-"));
        rows.add(target("CNN: the same, mean gap over seeds " + seeds + ", spark-neural at Adam's rate x sqrt("
            + s.workers() + ") (section 4b)", meanGap(ctx.cnnSeeds, true), 0.3, false, " points", "-"));
      }
      rows.add(target("CNN: achieved FLOP/s >= 25% of the sgemm peak",
          100 * ctx.fractionOfPeak(ctx.sparkCnn, SeedNetworks.CNN), 25, true, "%", "- (peak not measured)"));
      if (ctx.sparkCnnSpeeds.size() > 1 && ctx.peakFlopsPerSecond > 0) {
        rows.add(target("CNN: the same at the median samples/s over " + ctx.sparkCnnSpeeds.size() + " runs (section "
            + "4b)", 100 * ctx.fractionOfPeak(median(ctx.sparkCnnSpeeds), SeedNetworks.CNN), 25, true, "%", "-"));
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    Report.Section section = ctx.report.section("Targets (reported, not asserted)")
        .table(Report.row("target", "measured", "met"), rows);
    ctx.out.print(section.markdown());
  }

  /** spark-neural's median samples/s over a contender's, in a section's repeated runs. */
  record MedianRatio(double ratio, String runs) {}

  /** The ratio of the medians where both contenders ran more than once in that section; else empty. */
  static Optional<MedianRatio> medianRatio(BenchmarkContext ctx, String section, String contender) {
    java.util.Map<String, List<Double>> speeds = ctx.mlpSpeeds.get(section);
    if (speeds == null) return Optional.empty();
    List<Double> spark = speeds.get(SparkVersusPlain.sparkContender(ctx.settings));
    List<Double> other = speeds.get(contender);
    if (spark == null || other == null || spark.size() < 2 || other.size() < 2) return Optional.empty();
    String runs = spark.size() == other.size() ? Integer.toString(spark.size()) : spark.size() + " and " + other.size();
    return Optional.of(new MedianRatio(median(spark) / median(other), runs));
  }

  /** The middle value (the mean of the two middle ones for an even count); NaN for none. */
  static double median(List<Double> values) {
    if (values.isEmpty()) return Double.NaN;
    List<Double> sorted = new ArrayList<>(values);
    java.util.Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * Plain DL4J's accuracy minus spark-neural's, in points, averaged over seeds.
   *
   * @param scaled spark-neural's runs at the scaled learning rate instead of the section's
   */
  static double meanGap(List<BenchmarkContext.SeedPair> seeds, boolean scaled) {
    return seeds.stream().mapToDouble(p -> scaled ? p.scaledGapPoints() : p.gapPoints()).average()
        .orElse(Double.NaN);
  }

  /** The plain run with one thread and spark-neural's layer helpers, the baseline the targets name. */
  static Optional<TrainingRun> oneThread(List<TrainingRun> plain) {
    return plain.stream().filter(r -> r.setting().startsWith("1 thread") && !r.setting().contains("DL4J's own"))
        .findFirst();
  }

  /** "At equal accuracy (within 0.3 points)": plain DL4J's final test accuracy minus spark-neural's. */
  private static List<String> accuracyGap(String network, TrainingRun spark, TrainingRun plain) {
    return target(network + ": spark-neural's final test accuracy at most 0.3 points below plain one-thread DL4J's",
        100 * (plain.testAccuracy() - spark.testAccuracy()), 0.3, false, " points", "-");
  }

  /** @param whenMissing what "met" says when the measurement is NaN */
  private static List<String> target(String what, double measured, double bound, boolean atLeast, String unit,
      String whenMissing) {
    String met = Double.isNaN(measured) ? whenMissing : (atLeast ? measured >= bound : measured <= bound) ? "yes" : "no";
    String value = Double.isNaN(measured) ? "-" : String.format(Locale.ROOT, "%.2f%s", measured, unit);
    return Report.row(what, value, met);
  }
}
