package io.sparkneural.benchmark;

import io.sparkneural.ml.NeuralClassificationModel;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** What the sections share: the settings, the session, the data, the report, and earlier sections' results. */
final class BenchmarkContext {
  final Settings settings;
  final SparkSession spark;
  final MnistData data;
  final Report report;
  final PrintStream out;

  /** The machine's sgemm peak in FLOP/s (all threads); NaN until the peak section ran. */
  double peakFlopsPerSecond = Double.NaN;
  /** spark-neural on the MLP, from the mlp section; null until it ran. */
  TrainingRun sparkMlp;
  /** The model of that run. */
  NeuralClassificationModel sparkMlpModel;
  /** spark-neural on the MLP task with the fast section's settings; null unless it ran. */
  TrainingRun sparkFast;
  /** scikit-learn with the fast section's settings; null unless it ran. */
  TrainingRun sklearnFast;
  /** Plain DL4J on the MLP, one run per thread count. */
  final List<TrainingRun> plainMlp = new ArrayList<>();
  /** scikit-learn on the MLP; null unless it ran. */
  TrainingRun sklearnMlp;
  /** spark-neural on the CNN; null until it ran. */
  TrainingRun sparkCnn;
  /** Plain DL4J on the CNN, one run per thread count. */
  final List<TrainingRun> plainCnn = new ArrayList<>();
  /**
   * The CNN's final test accuracy at each seed, spark-neural's (at the section's learning rate, and at that rate
   * times the square root of the workers) and plain one-thread DL4J's: the section's own seed first, then the
   * further seeds; empty until the cnn section ran.
   */
  final List<SeedPair> cnnSeeds = new ArrayList<>();
  /**
   * samples/s of every CNN run at the section's settings (epochs, batch, workers), whatever its seed and rate:
   * spark-neural's, and plain one-thread DL4J's. One run's figure moves by 10-25% on this shared 2-core machine (the
   * same build gave 5,270-7,334 samples/s in four runs in one JVM), so the summary also takes their medians.
   */
  final List<Double> sparkCnnSpeeds = new ArrayList<>();
  final List<Double> plainCnnSpeeds = new ArrayList<>();
  /** samples/s of plain DL4J's CNN trained by one copy per worker side by side, never averaged; see PlainDl4j. */
  final List<Double> sideBySideCnnSpeeds = new ArrayList<>();
  /**
   * samples/s of the repeated MLP runs (settings' mlpRuns), by section ("1", "1b") and contender, in the order
   * they ran: the same noise as the CNN's (section 1b's spark-neural row measured 94,680 and 240,035 samples/s in
   * two runs of the same code), so the summary also takes their medians.
   */
  final java.util.Map<String, java.util.Map<String, List<Double>>> mlpSpeeds = new java.util.LinkedHashMap<>();
  /** MLlib's best test accuracy over its runs; NaN until the mllib section ran. */
  double mllibBestAccuracy = Double.NaN;
  private final java.util.Set<String> warmedUp = new java.util.HashSet<>();

  /** One seed's final test accuracies; {@code sparkScaled} is spark-neural's at the scaled learning rate. */
  record SeedPair(long seed, double spark, double sparkScaled, double plain) {
    /** Plain DL4J's accuracy minus spark-neural's, in points. */
    double gapPoints() {
      return 100 * (plain - spark);
    }

    /** The same at the scaled learning rate. */
    double scaledGapPoints() {
      return 100 * (plain - sparkScaled);
    }
  }

  BenchmarkContext(Settings settings, SparkSession spark, MnistData data, Report report, PrintStream out) {
    this.settings = settings;
    this.spark = spark;
    this.data = data;
    this.report = report;
    this.out = out;
  }

  /** Achieved training FLOP/s of a run as a fraction of the sgemm peak; NaN without the peak. */
  double fractionOfPeak(TrainingRun run, String layers) {
    return fractionOfPeak(run.samplesPerSecond(), layers);
  }

  /** The same for a network trained at {@code samplesPerSecond}. */
  double fractionOfPeak(double samplesPerSecond, String layers) {
    return SeedNetworks.cost(layers).trainingFlops() * samplesPerSecond / peakFlopsPerSecond;
  }

  /** Training FLOP/s a run achieved, counted from the layer shapes. */
  static double achievedFlopsPerSecond(TrainingRun run, String layers) {
    return SeedNetworks.cost(layers).trainingFlops() * run.samplesPerSecond();
  }

  /** spark-neural on the MLP: the mlp section's run, or a fresh one when that section did not run. */
  TrainingRun sparkMlp() {
    if (sparkMlp == null) {
      warmUp();
      progress("spark-neural MLP (for comparison)");
      SparkNeuralRun.Result result = SparkNeuralRun.train(data, SeedNetworks.MLP, settings.epochs(),
          settings.batchSize(), settings.workers(), settings.averagingFrequency(), settings.learningRate(),
          settings.seed());
      sparkMlp = result.run();
      sparkMlpModel = result.model();
    }
    return sparkMlp;
  }

  /**
   * One untimed epoch of the seed MLP through spark-neural and through plain DL4J, once per run, before the first
   * timed MLP run. Why: both train the same TrainingNetwork code, and whichever ran first paid for the JIT compiling
   * it while the later one got it compiled (spark-neural's first three epochs of a JVM took 2.1-3.3 s against
   * 0.55-0.6 s in a second fit). A user's first fit in a JVM pays it; the setup times in README say how much.
   */
  void warmUp() {
    warmUp("the seed MLP", SeedNetworks.MLP, settings.batchSize(), settings.averagingFrequency(),
        settings.learningRate());
  }

  /**
   * The same for another network and settings, once per run for each: section 1b's network has no dropout and
   * trains on minibatches of 128, code paths the seed MLP's warm-up leaves cold (in one JVM, section 1b's first
   * spark-neural epoch ran at 75,000-81,000 samples/s without this and 121,000-127,000 after an untimed plain epoch of
   * the same network).
   */
  void warmUp(String what, String layers, int batchSize, int averagingFrequency, double learningRate) {
    if (!warmedUp.add(layers + "|" + batchSize + "|" + averagingFrequency + "|" + learningRate)) {
      return;
    }
    progress("warm-up: one untimed epoch of " + what + " through spark-neural and through plain DL4J");
    SparkNeuralRun.train(data, layers, 1, batchSize, settings.workers(), averagingFrequency, learningRate,
        settings.seed());
    PlainDl4j.train(layers, data.trainArrays(), data.testArrays(), 1, batchSize, learningRate, settings.seed(), 1);
  }

  /** The list of a section's contender's repeated-run samples/s, made on first use. */
  List<Double> mlpSpeeds(String section, String contender) {
    return mlpSpeeds.computeIfAbsent(section, k -> new java.util.LinkedHashMap<>())
        .computeIfAbsent(contender, k -> new ArrayList<>());
  }

  /** A progress line on the console. */
  void progress(String what) {
    out.println("... " + what);
    out.flush();
  }
}
