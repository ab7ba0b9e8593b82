package io.sparkneural.benchmark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Sections 1 and 4: a seed network trained by spark-neural on local Spark against the same configuration trained
 * by plain DL4J (no Spark), for the same epochs on the same rows. The ratio of samples per second is what the Spark
 * path costs (below 1) or gains (above 1).
 */
final class SparkVersusPlain {
  private SparkVersusPlain() {}

  /** Section 1: the seed MLP. */
  static void mlp(BenchmarkContext ctx) {
    Settings s = ctx.settings;
    ctx.warmUp();
    ctx.progress("spark-neural MLP, " + s.epochs() + " epochs");
    SparkNeuralRun.Result ours = SparkNeuralRun.train(ctx.data, SeedNetworks.MLP, s.epochs(), s.batchSize(),
        s.workers(), s.averagingFrequency(), s.learningRate(), s.seed());
    ctx.sparkMlp = ours.run();
    ctx.sparkMlpModel = ours.model();
    ctx.mlpSpeeds("1", sparkContender(s)).add(ctx.sparkMlp.samplesPerSecond());
    List<TrainingRun> others = new ArrayList<>();
    ctx.progress("spark-neural MLP on dl4j-spark's training master, " + s.epochs() + " epochs");
    others.add(SparkNeuralRun.train(ctx.data, SeedNetworks.MLP, s.epochs(), s.batchSize(), s.workers(),
        s.averagingFrequency(), s.learningRate(), s.seed(), "dl4j-spark").run());
    for (int threads : s.plainThreads()) {
      ctx.progress("plain DL4J MLP, " + threads + " thread(s)");
      TrainingRun plain = PlainDl4j.train(SeedNetworks.MLP, ctx.data.trainArrays(), ctx.data.testArrays(),
          s.epochs(), s.batchSize(), s.learningRate(), s.seed(), threads);
      ctx.plainMlp.add(plain);
      ctx.mlpSpeeds("1", plainContender(threads)).add(plain.samplesPerSecond());
    }
    ctx.progress("plain DL4J MLP, 1 thread, DL4J's own layers");
    ctx.plainMlp.add(PlainDl4j.trainWithDl4jLayers(SeedNetworks.MLP, ctx.data.trainArrays(), ctx.data.testArrays(),
        s.epochs(), s.batchSize(), s.learningRate(), s.seed()));
    others.addAll(ctx.plainMlp);
    Map<String, DoubleSupplier> again = new LinkedHashMap<>();
    again.put(sparkContender(s), () -> SparkNeuralRun.train(ctx.data, SeedNetworks.MLP, s.epochs(), s.batchSize(),
        s.workers(), s.averagingFrequency(), s.learningRate(), s.seed()).run().samplesPerSecond());
    for (int threads : s.plainThreads()) {
      again.put(plainContender(threads), () -> PlainDl4j.train(SeedNetworks.MLP, ctx.data.trainArrays(),
          ctx.data.testArrays(), s.epochs(), s.batchSize(), s.learningRate(), s.seed(), threads).samplesPerSecond());
    }
    repeatRuns(ctx, "1", "MLP", again);
    Report.Section section = write(ctx, "1. MNIST MLP: spark-neural against plain DL4J", SeedNetworks.MLP,
        s.learningRate(), ctx.sparkMlp, others, DENSE_NOTE);
    ctx.out.print(medians(ctx, section, SeedNetworks.MLP, "1").markdown());
  }

  /**
   * Section 1b: the same task, with the network and settings a user would pick to reach the target accuracy soon:
   * larger minibatches (fewer DL4J calls per epoch), a higher learning rate, no dropout. Plain DL4J runs the same.
   */
  static void fast(BenchmarkContext ctx) {
    Settings s = ctx.settings;
    Settings.Fast f = s.fast();
    ctx.warmUp();
    ctx.warmUp("section 1b's network", f.layers(), f.batchSize(), f.averagingFrequency(), f.learningRate());
    ctx.progress("spark-neural MLP for time to accuracy, " + f.epochs() + " epochs");
    ctx.sparkFast = SparkNeuralRun.train(ctx.data, f.layers(), f.epochs(), f.batchSize(), s.workers(),
        f.averagingFrequency(), f.learningRate(), s.seed()).run();
    ctx.mlpSpeeds("1b", sparkContender(s)).add(ctx.sparkFast.samplesPerSecond());
    ctx.progress("plain DL4J MLP for time to accuracy, 1 thread");
    List<TrainingRun> others = new ArrayList<>();
    others.add(PlainDl4j.train(f.layers(), ctx.data.trainArrays(), ctx.data.testArrays(), f.epochs(),
        f.batchSize(), f.learningRate(), s.seed(), 1));
    ctx.mlpSpeeds("1b", PLAIN_ONE_THREAD).add(others.get(0).samplesPerSecond());
    ctx.progress("plain DL4J MLP for time to accuracy, 1 thread, DL4J's own layers");
    others.add(PlainDl4j.trainWithDl4jLayers(f.layers(), ctx.data.trainArrays(), ctx.data.testArrays(), f.epochs(),
        f.batchSize(), f.learningRate(), s.seed()));
    String hidden = hiddenSizes(f.layers());
    String sklearnNote = "";
    if (hidden == null) {
      sklearnNote = " scikit-learn is left out: its MLPClassifier has only dense relu layers, which this network is not.";
    } else if (SklearnComparison.missing(s) != null) {
      sklearnNote = " scikit-learn is left out: " + SklearnComparison.missing(s);
    } else {
      ctx.progress("scikit-learn MLPClassifier for time to accuracy");
      try {
        ctx.sklearnFast = SklearnComparison.train(ctx, hidden, f.epochs(), f.batchSize(), f.learningRate()).run();
        others.add(ctx.sklearnFast);
        ctx.mlpSpeeds("1b", SKLEARN).add(ctx.sklearnFast.samplesPerSecond());
        sklearnNote = " scikit-learn trains the same layers in float64 on one process, its BLAS on "
            + SklearnComparison.threads(s) + " thread(s); its times exclude reading the files.";
      } catch (java.io.IOException e) {
        sklearnNote = " scikit-learn failed: " + e.getMessage();
      }
    }
    Map<String, DoubleSupplier> again = new LinkedHashMap<>();
    again.put(sparkContender(s), () -> SparkNeuralRun.train(ctx.data, f.layers(), f.epochs(), f.batchSize(),
        s.workers(), f.averagingFrequency(), f.learningRate(), s.seed()).run().samplesPerSecond());
    again.put(PLAIN_ONE_THREAD, () -> PlainDl4j.train(f.layers(), ctx.data.trainArrays(), ctx.data.testArrays(),
        f.epochs(), f.batchSize(), f.learningRate(), s.seed(), 1).samplesPerSecond());
    if (ctx.sklearnFast != null) {
      again.put(SKLEARN, () -> {
        try {
          return SklearnComparison.train(ctx, hidden, f.epochs(), f.batchSize(), f.learningRate()).run()
              .samplesPerSecond();
        } catch (java.io.IOException e) {
          ctx.progress("scikit-learn failed in a repeated run, left out of its median: " + e.getMessage());
          return Double.NaN;
        }
      });
    }
    repeatRuns(ctx, "1b", "section 1b", again);
    Report.Section section = write(ctx, "1b. MNIST MLP: time to " + s.targetAccuracy() + " with settings chosen "
        + "for it", f.layers(), f.learningRate(), ctx.sparkFast, others, "Chosen for time to accuracy on this task: "
        + "minibatches of " + f.batchSize() + " (fewer DL4J calls per epoch than batch 32), Adam at "
        + f.learningRate() + ", averaging every " + f.averagingFrequency() + " minibatches, no dropout."
        + sklearnNote + " " + DENSE_NOTE);
    ctx.out.print(medians(ctx, section, f.layers(), "1b").markdown());
  }

  static final String PLAIN_ONE_THREAD = plainContender(1);

  /** Plain DL4J at {@code threads} ND4J and BLAS threads, as the median tables name it. */
  static String plainContender(int threads) {
    return "plain DL4J (" + threads + (threads == 1 ? " thread)" : " threads)");
  }
  static final String SKLEARN = "scikit-learn";

  static String sparkContender(Settings s) {
    return "spark-neural (" + s.workers() + " workers)";
  }

  /**
   * Runs each contender again, in turn, until it has run {@code mlpRuns} times in all, adding each run's samples/s
   * to the section's list (a NaN, a failed run, is left out).
   */
  private static void repeatRuns(BenchmarkContext ctx, String section, String what,
      Map<String, DoubleSupplier> contenders) {
    for (int run = 2; run <= ctx.settings.mlpRuns(); run++) {
      ctx.progress(what + " run " + run + " of " + ctx.settings.mlpRuns() + ": "
          + String.join(", ", contenders.keySet()));
      contenders.forEach((contender, speed) -> {
        double samplesPerSecond = speed.getAsDouble();
        if (!Double.isNaN(samplesPerSecond)) ctx.mlpSpeeds(section, contender).add(samplesPerSecond);
      });
    }
  }

  /**
   * Adds a section's repeated runs' medians to it: one run's samples/s moves by 10-60% on this shared 2-core
   * machine, most of all in section 1b's short epochs.
   */
  private static Report.Section medians(BenchmarkContext ctx, Report.Section section, String layers,
      String sectionKey) {
    Map<String, List<Double>> speeds = ctx.mlpSpeeds.get(sectionKey);
    if (speeds == null || speeds.values().stream().allMatch(v -> v.size() < 2)) {
      return section;
    }
    List<List<String>> rows = new ArrayList<>();
    List<String> ratios = new ArrayList<>();
    speeds.forEach((contender, values) -> {
      rows.add(speedRow(ctx, contender, values, layers));
      Summary.medianRatio(ctx, sectionKey, contender).filter(r -> !contender.equals(sparkContender(ctx.settings)))
          .ifPresent(r -> ratios.add(String.format(Locale.ROOT, "%.2fx %s", r.ratio(), contender)));
    });
    section.note("Throughput over repeated runs at the same settings (the first of each is the row above; "
            + "the others ran after the table's runs, alternating): one run's samples/s moves by 10-60% on this "
            + "shared machine, so the medians are the steadier comparison.")
        .table(SPEED_HEADERS, rows);
    return ratios.isEmpty() ? section
        : section.note("spark-neural's median against the medians of " + String.join(", ", ratios) + ".");
  }

  private static final List<String> SPEED_HEADERS = Report.row("contender", "runs", "median samples/s", "min", "max",
      "median of the sgemm peak");

  /** The hidden sizes of a stack of dense relu layers ending in dense(10, softmax), as "128,64"; else null. */
  static String hiddenSizes(String layers) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("dense\\((\\d+), (\\w+)\\)").matcher(layers);
    List<String> sizes = new ArrayList<>();
    int end = 0;
    while (m.find()) {
      if (!layers.substring(end, m.start()).isBlank()) {
        return null;
      }
      sizes.add(m.group(1) + ":" + m.group(2));
      end = m.end();
    }
    if (sizes.isEmpty() || !layers.substring(end).isBlank() || !sizes.get(sizes.size() - 1).equals("10:softmax")) {
      return null;
    }
    List<String> hidden = new ArrayList<>();
    for (String size : sizes.subList(0, sizes.size() - 1)) {
      if (!size.endsWith(":relu")) {
        return null;
      }
      hidden.add(size.substring(0, size.indexOf(':')));
    }
    return hidden.isEmpty() ? null : String.join(",", hidden);
  }

  /** Section 4: the seed CNN. */
  static void cnn(BenchmarkContext ctx) {
    Settings s = ctx.settings;
    // the convolution and pooling code is cold after the MLP sections: spark-neural's first CNN epoch of a JVM ran
    // at 3,632-3,775 samples/s against 4,480-5,453 in a second one, and the plain runs after it got it compiled
    ctx.warmUp("the seed CNN", SeedNetworks.CNN, s.cnnBatchSize(), s.averagingFrequency(), s.learningRate());
    ctx.progress("spark-neural CNN, " + s.cnnEpochs() + " epoch(s)");
    ctx.sparkCnn = SparkNeuralRun.train(ctx.data, SeedNetworks.CNN, s.cnnEpochs(), s.cnnBatchSize(), s.workers(),
        s.averagingFrequency(), s.learningRate(), s.seed()).run();
    ctx.sparkCnnSpeeds.add(ctx.sparkCnn.samplesPerSecond());
    for (int threads : s.plainThreads()) {
      ctx.progress("plain DL4J CNN, " + threads + " thread(s)");
      TrainingRun plain = PlainDl4j.train(SeedNetworks.CNN, ctx.data.trainArrays(), ctx.data.testArrays(),
          s.cnnEpochs(), s.cnnBatchSize(), s.learningRate(), s.seed(), threads);
      ctx.plainCnn.add(plain);
      if (threads == 1) ctx.plainCnnSpeeds.add(plain.samplesPerSecond());
    }
    if (s.workers() > 1) {
      ctx.plainCnn.add(sideBySide(ctx, s.seed()));
    }
    ctx.progress("plain DL4J CNN, 1 thread, DL4J's own layers");
    ctx.plainCnn.add(PlainDl4j.trainWithDl4jLayers(SeedNetworks.CNN, ctx.data.trainArrays(),
        ctx.data.testArrays(), s.cnnEpochs(), s.cnnBatchSize(), s.learningRate(), s.seed()));
    printWrite(ctx, "4. MNIST CNN: spark-neural against plain DL4J", SeedNetworks.CNN, s.learningRate(), ctx.sparkCnn,
        ctx.plainCnn, "spark-neural and the plain runs compute their convolutions and max pooling with "
            + "spark-neural's LayerHelpers (GemmConvolution: contiguous im2col and OpenBLAS products per example or "
            + "per chunk of examples; MaxPooling: plain loops, its forward pass in a swapped-in layer) and Adam's step "
            + "with FusedAdamUpdater; the last row is DL4J's own code throughout, for the difference.");
    accuracyOverSeeds(ctx);
  }

  /**
   * Section 4b: one epoch's final accuracy moves by tenths of a point with the seed, as much as the gap the target
   * bounds; the gap at further seeds tells a systematic loss from the luck of one seed. With W workers an epoch is
   * 1/W as many sequential steps, each from the average of W minibatches, so each seed also runs spark-neural at
   * Adam's rate times sqrt(W), what README's "Settings for speed" advises for matching one machine epoch for epoch.
   */
  private static void accuracyOverSeeds(BenchmarkContext ctx) {
    Settings s = ctx.settings;
    Optional<TrainingRun> plainAtSeed = Summary.oneThread(ctx.plainCnn);
    if (s.cnnAccuracySeeds().isEmpty() || plainAtSeed.isEmpty()) {
      return;
    }
    double scaledRate = s.learningRate() * Math.sqrt(s.workers());
    ctx.cnnSeeds.add(new BenchmarkContext.SeedPair(s.seed(), ctx.sparkCnn.testAccuracy(),
        cnnAccuracy(ctx, scaledRate, s.seed()), plainAtSeed.get().testAccuracy()));
    for (int seed : s.cnnAccuracySeeds()) {
      double spark = cnnAccuracy(ctx, s.learningRate(), seed);
      double scaled = cnnAccuracy(ctx, scaledRate, seed);
      ctx.progress("plain DL4J CNN, 1 thread, seed " + seed);
      TrainingRun plain = PlainDl4j.train(SeedNetworks.CNN, ctx.data.trainArrays(), ctx.data.testArrays(),
          s.cnnEpochs(), s.cnnBatchSize(), s.learningRate(), seed, 1);
      ctx.plainCnnSpeeds.add(plain.samplesPerSecond());
      if (s.workers() > 1) {
        sideBySide(ctx, seed);
      }
      ctx.cnnSeeds.add(new BenchmarkContext.SeedPair(seed, spark, scaled, plain.testAccuracy()));
    }
    List<List<String>> rows = new ArrayList<>();
    for (BenchmarkContext.SeedPair pair : ctx.cnnSeeds) {
      rows.add(Report.row(Long.toString(pair.seed()), Report.accuracy(pair.spark()), Report.accuracy(pair.sparkScaled()),
          Report.accuracy(pair.plain()), String.format(Locale.ROOT, "%.2f", pair.gapPoints()),
          String.format(Locale.ROOT, "%.2f", pair.scaledGapPoints())));
    }
    String rate = "Adam " + s.learningRate();
    String scaledText = String.format(Locale.ROOT, "Adam %.4g (x sqrt(%d))", scaledRate, s.workers());
    ctx.out.print(ctx.report.section("4b. MNIST CNN: the accuracy gap at other seeds")
        .note("The seed CNN as in section 4 (" + s.cnnEpochs() + " epoch(s), batch " + s.cnnBatchSize() + ", "
            + s.workers() + " workers averaging every " + s.averagingFrequency() + "), trained again at other "
            + "seeds: the seed sets the initial weights, the shuffling and the dropout masks of both contenders. "
            + "spark-neural also runs at Adam's rate times the square root of its workers: with " + s.workers()
            + " workers an epoch is 1/" + s.workers() + " as many sequential steps, each from the average of "
            + s.workers() + " minibatches.")
        .table(Report.row("seed", "spark-neural, " + rate, "spark-neural, " + scaledText,
            "plain DL4J (1 thread), " + rate, "gap (points)", "gap at the scaled rate (points)"), rows)
        .note(String.format(Locale.ROOT, "Mean gap over %d seeds: %.2f points at the same rate, %.2f at the scaled "
            + "rate.", ctx.cnnSeeds.size(), Summary.meanGap(ctx.cnnSeeds, false), Summary.meanGap(ctx.cnnSeeds, true)))
        .note("Throughput over every CNN run of sections 4 and 4b (all at " + s.cnnEpochs() + " epoch(s), batch "
            + s.cnnBatchSize() + "; the seed and the rate do not change the work): one run's samples/s moves by "
            + "10-25% on this shared machine, so the medians are the steadier comparison.")
        .table(SPEED_HEADERS, speedRows(ctx))
        .note(String.format(Locale.ROOT, "Ratio of the medians: %.2fx.",
            Summary.median(ctx.sparkCnnSpeeds) / Summary.median(ctx.plainCnnSpeeds)) + sideBySideNote(ctx))
        .markdown());
  }

  private static List<List<String>> speedRows(BenchmarkContext ctx) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(speedRow(ctx, sparkContender(ctx.settings), ctx.sparkCnnSpeeds, SeedNetworks.CNN));
    rows.add(speedRow(ctx, PLAIN_ONE_THREAD, ctx.plainCnnSpeeds, SeedNetworks.CNN));
    if (!ctx.sideBySideCnnSpeeds.isEmpty()) {
      rows.add(speedRow(ctx, sideBySideContender(ctx.settings), ctx.sideBySideCnnSpeeds, SeedNetworks.CNN));
    }
    return rows;
  }

  private static String sideBySideNote(BenchmarkContext ctx) {
    if (ctx.sideBySideCnnSpeeds.isEmpty()) {
      return "";
    }
    double plain = Summary.median(ctx.plainCnnSpeeds);
    double sideBySide = Summary.median(ctx.sideBySideCnnSpeeds);
    double spark = Summary.median(ctx.sparkCnnSpeeds);
    int workers = ctx.settings.workers();
    return String.format(Locale.ROOT, " %d plain trainings side by side (no Spark, never averaged, each on 1/%d of the "
        + "rows: a reference for throughput, not for accuracy) reach %.2fx one thread%s, what the machine gives "
        + "the workers' code on %d cores; spark-neural's median is %.2fx theirs (their ranges: %s-%s against %s-%s).",
        workers, workers, sideBySide / plain,
        ctx.settings.runs("peak") ? " (section 5d: the machine's memory bandwidth from one core to all)" : "",
        workers, spark / sideBySide, Report.count(java.util.Collections.min(ctx.sparkCnnSpeeds)),
        Report.count(java.util.Collections.max(ctx.sparkCnnSpeeds)),
        Report.count(java.util.Collections.min(ctx.sideBySideCnnSpeeds)),
        Report.count(java.util.Collections.max(ctx.sideBySideCnnSpeeds)));
  }

  /** The contender of {@link PlainDl4j#trainSideBySide}, as the median table names it. */
  static String sideBySideContender(Settings s) {
    return "plain DL4J (" + s.workers() + " trainings side by side, 1 thread each, never averaged)";
  }

  /** The CNN trained by as many plain DL4J copies as workers, side by side; its samples/s joins the medians. */
  private static TrainingRun sideBySide(BenchmarkContext ctx, long seed) {
    Settings s = ctx.settings;
    ctx.progress("plain DL4J CNN, " + s.workers() + " trainings side by side, seed " + seed);
    TrainingRun run = PlainDl4j.trainSideBySide(SeedNetworks.CNN, ctx.data.trainArrays(), ctx.data.testArrays(),
        s.cnnEpochs(), s.cnnBatchSize(), s.learningRate(), seed, s.workers());
    ctx.sideBySideCnnSpeeds.add(run.samplesPerSecond());
    return run;
  }

  private static List<String> speedRow(BenchmarkContext ctx, String contender, List<Double> speeds, String layers) {
    double median = Summary.median(speeds);
    return Report.row(contender, Integer.toString(speeds.size()), Report.count(median),
        Report.count(java.util.Collections.min(speeds)), Report.count(java.util.Collections.max(speeds)),
        ctx.peakFlopsPerSecond > 0 ? Report.percent(ctx.fractionOfPeak(median, layers)) : "-");
  }

  /** spark-neural's final test accuracy on the CNN at a learning rate and seed. */
  private static double cnnAccuracy(BenchmarkContext ctx, double rate, long seed) {
    Settings s = ctx.settings;
    ctx.progress("spark-neural CNN at Adam " + rate + ", seed " + seed);
    TrainingRun run = SparkNeuralRun.train(ctx.data, SeedNetworks.CNN, s.cnnEpochs(), s.cnnBatchSize(), s.workers(),
        s.averagingFrequency(), rate, seed).run();
    ctx.sparkCnnSpeeds.add(run.samplesPerSecond());
    return run.testAccuracy();
  }

  private static final String DENSE_NOTE = "spark-neural's workers and the plain DL4J rows train a TrainingNetwork: "
      + "DL4J's MultiLayerNetwork whose dense layers' gradient is one fused pass (DenseStack: 5 sgemm calls and Java "
      + "loops for bias, activation, dropout and loss) and whose Adam step is one pass too (FusedAdamUpdater); "
      + "the row \"DL4J's own layers\" is DL4J's own code throughout, for the difference.";

  private static void printWrite(BenchmarkContext ctx, String title, String layers, double learningRate,
      TrainingRun spark, List<TrainingRun> plain, String extraNote) {
    ctx.out.print(write(ctx, title, layers, learningRate, spark, plain, extraNote).markdown());
  }

  /** @param extraNote said after the tables; "" for nothing */
  private static Report.Section write(BenchmarkContext ctx, String title, String layers, double learningRate, TrainingRun spark,
      List<TrainingRun> plain, String extraNote) {
    Settings s = ctx.settings;
    FlopCounter.Count cost = SeedNetworks.cost(layers);
    List<TrainingRun> runs = new ArrayList<>();
    runs.add(spark);
    runs.addAll(plain);
    List<List<String>> rows = new ArrayList<>();
    for (TrainingRun run : runs) {
      rows.add(Report.row(run.contender(), run.setting(), Integer.toString(run.epochs()),
          Report.seconds(run.secondsPerEpoch()), Report.count(run.samplesPerSecond()),
          Report.accuracy(run.testAccuracy()), Report.seconds(run.secondsTo(s.targetAccuracy())),
          Report.number(BenchmarkContext.achievedFlopsPerSecond(run, layers) / 1e9, 2),
          Report.percent(ctx.fractionOfPeak(run, layers)),
          run == spark ? "1.00x" : Report.ratio(spark.samplesPerSecond() / run.samplesPerSecond())));
    }
    Report.Section section = ctx.report.section(title)
        .note("Network: `" + layers + "`; Adam " + learningRate + "; " + String.format(Locale.ROOT,
            "%,d parameters, %.2f MFLOP per training example (3 x forward, from the layer shapes).",
            cost.parameters(), cost.trainingFlops() / 1e6))
        .table(Report.row("contender", "setting", "epochs", "s / epoch", "samples/s", "test accuracy",
            "s to " + s.targetAccuracy(), "GFLOP/s", "of sgemm peak", "spark-neural / this (samples/s)"), rows)
        .table(curveHeaders(runs), curveRows(runs))
        .note("Times exclude the per-epoch test evaluation. spark-neural's \"s to accuracy\" counts from calling "
            + "fit() (checks and conversion to minibatches included); plain DL4J's from its first epoch, with the "
            + "data already in arrays on the driver (its epochs include cutting the shuffled minibatches). "
            + "spark-neural's workers each use one ND4J thread (" + Nd4jThreads.describe() + " at the start); "
            + "the plain runs set ND4J's and the BLAS library's thread counts as listed.");
    if (!extraNote.isEmpty()) {
      section.note(extraNote);
    }
    return section;
  }

  private static List<String> curveHeaders(List<TrainingRun> runs) {
    List<String> headers = new ArrayList<>();
    headers.add("epoch");
    for (TrainingRun run : runs) {
      headers.add(run.contender() + " (" + run.setting() + "): accuracy @ s");
    }
    return headers;
  }

  private static List<List<String>> curveRows(List<TrainingRun> runs) {
    int epochs = runs.stream().mapToInt(TrainingRun::epochs).max().orElse(0);
    List<List<String>> rows = new ArrayList<>();
    for (int e = 1; e <= epochs; e++) {
      List<String> row = new ArrayList<>();
      row.add(Integer.toString(e));
      for (TrainingRun run : runs) {
        row.add(e <= run.curve().size() ? Report.accuracy(run.curve().get(e - 1).testAccuracy()) + " @ "
            + Report.seconds(run.curve().get(e - 1).wallSeconds()) : "-");
      }
      rows.add(row);
    }
    return rows;
  }
}
