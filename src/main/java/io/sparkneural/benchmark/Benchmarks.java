package io.sparkneural.benchmark;

import io.sparkneural.cli.JobOptions;
import io.sparkneural.cli.JobSupport;
import io.sparkneural.datasets.Mnist;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * The benchmark of spark-neural on MNIST, all contenders on the same rows and cores in one run: spark-neural against
 * plain DL4J (MLP and CNN), Spark MLlib's MultilayerPerceptronClassifier and scikit-learn's MLPClassifier; the
 * machine's sgemm peak and each run's share of it; the data path; and scaling with averaging frequency and workers.
 *
 * <p>Run it from the project's root:
 * <pre>{@code
 * mvn -B compile exec:exec -Djob.main=io.sparkneural.benchmark.Benchmarks -Djob.args="--report BENCHMARKS.md"
 * mvn -B compile exec:exec -Djob.main=io.sparkneural.benchmark.Benchmarks \
 *     -Djob.args="--sections mlp,peak --train-limit 2000 --test-limit 500 --epochs 1"   # a quick smoke run
 * }</pre>
 * {@code --help} lists the options. The report (Markdown) goes to stdout section by section and, with
 * {@code --report PATH}, to that file, rewritten after each section. Exit code: 0 on success, 1 when a section
 * fails, 2 for a wrong command line.
 */
public final class Benchmarks {
  private Benchmarks() {}

  /** Runs the benchmark and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the benchmark.
   *
   * @return 0 on success (also after {@code --help}), 1 when it fails, 2 for a wrong command line; errors are
   *     reported on {@code err} as one line starting with {@code error:}
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    JobOptions options = declareOptions();
    if (JobOptions.wantsHelp(args)) {
      out.print(options.help("Usage: Benchmarks [options]   (mvn -B compile exec:exec "
          + "-Djob.main=io.sparkneural.benchmark.Benchmarks -Djob.args=\"[options]\")" + System.lineSeparator()
          + "Benchmarks spark-neural on MNIST against plain DL4J, Spark MLlib and scikit-learn."));
      return 0;
    }
    Settings settings;
    try {
      settings = settings(options.parse(args));
    } catch (JobOptions.UsageException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    Report report = new Report("spark-neural benchmarks");
    SparkSession spark = null;
    try {
      Path dir = Mnist.ensureAvailable(settings.dataDir());
      spark = JobSupport.session("spark-neural benchmarks", settings.master(), false);
      preamble(report, settings, args);
      out.print(report.markdown());
      try (MnistData data = MnistData.load(spark, dir, settings.trainLimit(), settings.testLimit(),
          settings.workers())) {
        report.preamble(String.format(Locale.ROOT, "- data: MNIST, %,d training and %,d test rows, pixels / 255, "
            + "%d partitions", data.trainRows, data.testRows, settings.workers()));
        out.println(String.format(Locale.ROOT, "data: %,d training rows, %,d test rows", data.trainRows,
            data.testRows));
        BenchmarkContext ctx = new BenchmarkContext(settings, spark, data, report, out);
        for (String section : settings.sections()) {
          runSection(section, ctx);
          save(report, settings);
        }
        Summary.write(ctx);
        save(report, settings);
      }
      if (settings.report() != null) {
        out.println("report written to " + settings.report().toAbsolutePath());
      }
      return 0;
    } catch (Exception | LinkageError e) {
      err.println("error: " + JobSupport.oneLine(e));
      try {
        save(report, settings);
      } catch (IOException ignored) {
        // the first error is the one to report
      }
      return 1;
    } finally {
      if (spark != null) {
        spark.stop();
      }
    }
  }

  private static void runSection(String section, BenchmarkContext ctx) {
    switch (section) {
      case "peak" -> {
        GemmPeak.run(ctx);
        MemoryBandwidth.run(ctx);
      }
      case "datapath" -> DataPath.run(ctx);
      case "mlp" -> SparkVersusPlain.mlp(ctx);
      case "fast" -> SparkVersusPlain.fast(ctx);
      case "inference" -> Inference.run(ctx);
      case "mllib" -> MllibComparison.run(ctx);
      case "sklearn" -> SklearnComparison.run(ctx);
      case "cnn" -> SparkVersusPlain.cnn(ctx);
      case "scaling" -> Scaling.run(ctx);
      default -> throw new IllegalStateException("unknown section " + section);
    }
  }

  private static void save(Report report, Settings settings) throws IOException {
    if (settings.report() != null) {
      report.write(settings.report());
    }
  }

  private static JobOptions declareOptions() {
    return new JobOptions()
        .option("sections", String.join(",", Settings.ALL_SECTIONS), "comma list of sections to run: "
            + String.join(", ", Settings.ALL_SECTIONS) + " (run in that order)")
        .option("report", "", "also write the Markdown report to this file (e.g. BENCHMARKS.md)")
        .option("master", "local[2]", "Spark master URL")
        .option("workers", "2", "spark-neural's workers in the mlp and cnn sections")
        .option("epochs", "10", "epochs of the MLP (spark-neural, plain DL4J, scikit-learn)")
        .option("cnn-epochs", "1", "epochs of the CNN (spark-neural and plain DL4J)")
        .option("batch-size", "32", "minibatch size of the MLP (per worker for spark-neural)")
        .option("cnn-batch-size", "32", "minibatch size of the CNN (per worker for spark-neural)")
        .option("cnn-accuracy-seeds", "1,2,3,4,5,6,7,8,9", "further seeds for the CNN's accuracy gap (its mean over "
            + "10 seeds moves by about 0.08 points from luck alone): spark-neural at the rate and at the rate x "
            + "sqrt(workers), plain one-thread DL4J, and plain DL4J side by side, one fit each (none = skip)")
        .option("mlp-runs", "3", "runs of spark-neural and plain one-thread DL4J (and scikit-learn in section 1b) "
            + "on the MLPs of sections 1 and 1b, for the medians of their samples/s")
        .option("averaging-frequency", "20", "spark-neural's minibatches per worker between averaging rounds")
        .option("learning-rate", "1e-3", "Adam's learning rate, for every contender that uses Adam")
        .option("fast-layers", "dense(128, relu) dense(10, softmax)", "the network of the time-to-accuracy section")
        .option("fast-epochs", "3", "epochs of the time-to-accuracy section")
        .option("fast-batch-size", "128", "minibatch size of the time-to-accuracy section (per worker)")
        .option("fast-learning-rate", "0.006", "Adam's learning rate in the time-to-accuracy section")
        .option("fast-averaging-frequency", "10", "averaging frequency in the time-to-accuracy section")
        .option("plain-threads", "1,2", "ND4J thread counts for the plain DL4J baselines, one run each")
        .option("train-limit", "0", "use only the first N training images (0 = all 60000)")
        .option("test-limit", "0", "use only the first N test images (0 = all 10000)")
        .option("seed", "42", "random seed (weights, shuffling, dropout)")
        .option("target-accuracy", "0.965", "the test accuracy whose time to reach is reported")
        .option("mllib-iterations", "10,25,50,100", "MLlib maxIter values, one fit from scratch each")
        .option("mllib-solvers", "l-bfgs,gd", "MLlib solvers")
        .option("scaling-frequencies", "1,5,10,20,50", "averaging frequencies of the scaling section")
        .option("scaling-workers", "1,2", "worker counts of the scaling section")
        .option("scaling-epochs", "1", "epochs per run in the scaling section")
        .option("gemm-size", "4096", "n of the n x n float32 matrices of the sgemm peak")
        .option("python", "/usr/bin/python3", "the python with scikit-learn (Debian's own: python3-sklearn)")
        .option("sklearn-script", "bench/python/sklearn_mlp.py", "the scikit-learn contender's script")
        .option("sklearn-threads", "0", "BLAS threads for scikit-learn (0 = the machine's cores)")
        .option("data-dir", Mnist.defaultDir().toString(), "folder of the MNIST IDX files (fetched there if missing)");
  }

  private static Settings settings(JobOptions o) throws JobOptions.UsageException {
    List<String> sections = new ArrayList<>();
    List<String> asked = List.of(o.string("sections").toLowerCase(Locale.ROOT).split("\\s*,\\s*"));
    for (String name : asked) {
      if (!Settings.ALL_SECTIONS.contains(name)) {
        throw new JobOptions.UsageException("--sections takes " + String.join(", ", Settings.ALL_SECTIONS)
            + ", but got '" + name + "'");
      }
    }
    for (String name : Settings.ALL_SECTIONS) {
      if (asked.contains(name)) {
        sections.add(name);
      }
    }
    List<String> solvers = List.of(o.string("mllib-solvers").split("\\s*,\\s*"));
    for (String solver : solvers) {
      if (!solver.equals("l-bfgs") && !solver.equals("gd")) {
        throw new JobOptions.UsageException("--mllib-solvers takes l-bfgs and gd, but got '" + solver + "'");
      }
    }
    String report = o.string("report");
    return new Settings(sections, o.string("master"), o.integer("workers", 1), o.integer("epochs", 1),
        o.integer("cnn-epochs", 1), o.integer("batch-size", 1), o.integer("cnn-batch-size", 1),
        o.integer("averaging-frequency", 1), o.positiveDouble("learning-rate"), o.integers("plain-threads", 1),
        o.integer("train-limit", 0), o.integer("test-limit", 0), o.longValue("seed"), o.fraction("target-accuracy"),
        o.integers("mllib-iterations", 1), solvers, o.integers("scaling-frequencies", 1),
        o.integers("scaling-workers", 1), o.integer("scaling-epochs", 1), o.integer("gemm-size", 1),
        o.string("python"), o.string("sklearn-script"), o.integer("sklearn-threads", 0),
        Path.of(o.string("data-dir")), report.isEmpty() ? null : Path.of(report),
        new Settings.Fast(o.string("fast-layers"), o.integer("fast-epochs", 1), o.integer("fast-batch-size", 1),
            o.positiveDouble("fast-learning-rate"), o.integer("fast-averaging-frequency", 1)),
        o.string("cnn-accuracy-seeds").equals("none") ? List.of() : o.integers("cnn-accuracy-seeds", 0),
        o.integer("mlp-runs", 1));
  }

  private static void preamble(Report report, Settings s, String[] args) {
    report.preamble("- date: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    report.preamble("- command: `mvn -B compile exec:exec -Djob.main=" + Benchmarks.class.getName()
        + " -Djob.args=\"" + String.join(" ", args) + "\"`");
    MachineInfo.describe().forEach(report::preamble);
    report.preamble("- Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ", master " + s.master()
        + "; spark-neural with " + s.workers() + " workers, averaging every " + s.averagingFrequency()
        + " minibatches; Adam " + s.learningRate() + "; seed " + s.seed());
    report.preamble("- warm-up: before the first timed MLP run, one untimed epoch of the seed MLP through spark-neural "
        + "and through plain DL4J, so that neither pays for the JIT compiling the code both run; before section 1b "
        + "and before the CNN's, the same with their networks and settings");
  }
}
