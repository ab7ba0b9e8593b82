package io.sparkneural.benchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
    ctx.progress("spark-neural MLP, " + s.epochs() + " epochs");
    SparkNeuralRun.Result ours = SparkNeuralRun.train(ctx.data, SeedNetworks.MLP, s.epochs(), s.batchSize(),
        s.workers(), s.averagingFrequency(), s.learningRate(), s.seed());
    ctx.sparkMlp = ours.run();
    ctx.sparkMlpModel = ours.model();
    List<TrainingRun> others = new ArrayList<>();
    ctx.progress("spark-neural MLP on dl4j-spark's training master, " + s.epochs() + " epochs");
    others.add(SparkNeuralRun.train(ctx.data, SeedNetworks.MLP, s.epochs(), s.batchSize(), s.workers(),
        s.averagingFrequency(), s.learningRate(), s.seed(), "dl4j-spark").run());
    for (int threads : s.plainThreads()) {
      ctx.progress("plain DL4J MLP, " + threads + " thread(s)");
      ctx.plainMlp.add(PlainDl4j.train(SeedNetworks.MLP, ctx.data.trainArrays(), ctx.data.testArrays(), s.epochs(),
          s.batchSize(), s.learningRate(), s.seed(), threads));
    }
    others.addAll(ctx.plainMlp);
    write(ctx, "1. MNIST MLP: spark-neural against plain DL4J", SeedNetworks.MLP, ctx.sparkMlp, others);
  }

  /** Section 4: the seed CNN. */
  static void cnn(BenchmarkContext ctx) {
    Settings s = ctx.settings;
    ctx.progress("spark-neural CNN, " + s.cnnEpochs() + " epoch(s)");
    ctx.sparkCnn = SparkNeuralRun.train(ctx.data, SeedNetworks.CNN, s.cnnEpochs(), s.cnnBatchSize(), s.workers(),
        s.averagingFrequency(), s.learningRate(), s.seed()).run();
    for (int threads : s.plainThreads()) {
      ctx.progress("plain DL4J CNN, " + threads + " thread(s)");
      ctx.plainCnn.add(PlainDl4j.train(SeedNetworks.CNN, ctx.data.trainArrays(), ctx.data.testArrays(),
          s.cnnEpochs(), s.cnnBatchSize(), s.learningRate(), s.seed(), threads));
    }
    write(ctx, "4. MNIST CNN: spark-neural against plain DL4J", SeedNetworks.CNN, ctx.sparkCnn, ctx.plainCnn);
  }

  private static void write(BenchmarkContext ctx, String title, String layers, TrainingRun spark,
      List<TrainingRun> plain) {
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
        .note("Network: `" + layers + "`; Adam " + s.learningRate() + "; " + String.format(Locale.ROOT,
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
    ctx.out.print(section.markdown());
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
