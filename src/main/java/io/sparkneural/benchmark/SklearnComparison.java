package io.sparkneural.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkneural.network.BlasKernels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Section 3: scikit-learn's MLPClassifier with the same layers (64, 32), Adam 1e-3, batch size and epochs, reading
 * the same MNIST files scaled the same way, run by {@code bench/python/sklearn_mlp.py} under Debian's own python3.
 * Skipped, with the reason in the report, where that python or scikit-learn is missing.
 */
final class SklearnComparison {
  private SklearnComparison() {}

  static void run(BenchmarkContext ctx) {
    Settings s = ctx.settings;
    String missing = missing(s);
    if (missing != null) {
      Report.Section section = ctx.report.section("3. MNIST MLP: scikit-learn's MLPClassifier")
          .note("**Skipped:** " + missing);
      ctx.out.print(section.markdown());
      return;
    }
    TrainingRun ours = ctx.sparkMlp();
    int threads = threads(s);
    ctx.progress("scikit-learn MLPClassifier, " + s.epochs() + " epochs, " + threads + " BLAS thread(s)");
    Result result;
    try {
      result = train(ctx, "64,32", s.epochs(), s.batchSize(), s.learningRate());
    } catch (IOException e) {
      Report.Section section = ctx.report.section("3. MNIST MLP: scikit-learn's MLPClassifier")
          .note("**Failed:** " + e.getMessage());
      ctx.out.print(section.markdown());
      return;
    }
    TrainingRun sklearn = result.run();
    ctx.sklearnMlp = sklearn;
    List<List<String>> rows = new ArrayList<>();
    for (TrainingRun run : List.of(ours, sklearn)) {
      rows.add(Report.row(run.contender(), run.setting(), Integer.toString(run.epochs()),
          Report.seconds(run.trainSeconds()), Report.count(run.samplesPerSecond()), Report.accuracy(run.testAccuracy()),
          Report.seconds(run.secondsTo(s.targetAccuracy())),
          run == ours ? "1.00x" : Report.ratio(ours.samplesPerSecond() / run.samplesPerSecond())));
    }
    Report.Section section = ctx.report.section("3. MNIST MLP: scikit-learn's MLPClassifier")
        .table(Report.row("contender", "setting", "epochs", "train s", "samples/s", "test accuracy",
            "s to " + s.targetAccuracy(), "spark-neural / this (samples/s)"), rows)
        .note("scikit-learn's network has no dropout (MLPClassifier has none) and trains in float64 on one process; "
            + "its BLAS may use " + threads + " thread(s) (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS) and runs with the "
            + "JVM's environment, " + BlasKernels.setting() + ". Its times exclude "
            + "the per-epoch test evaluation and reading the files; numpy " + result.numpy() + ".");
    ctx.out.print(section.markdown());
  }

  /** A scikit-learn run and the numpy version it ran on. */
  record Result(TrainingRun run, String numpy) {}

  /**
   * Trains MLPClassifier with relu hidden layers of the given sizes and adam on the benchmark's rows, its BLAS on
   * --sklearn-threads threads.
   *
   * @param hidden hidden layer sizes, comma separated, e.g. "64,32"
   */
  static Result train(BenchmarkContext ctx, String hidden, int epochs, int batchSize, double learningRate)
      throws IOException {
    Settings s = ctx.settings;
    int threads = threads(s);
    JsonNode result = runScript(ctx, threads, hidden, epochs, batchSize, learningRate);
    List<TrainingRun.Point> curve = new ArrayList<>();
    for (JsonNode p : result.path("epochs")) {
      curve.add(new TrainingRun.Point(p.get("epoch").asInt(), p.get("seconds").asDouble(), p.get("accuracy").asDouble()));
    }
    double seconds = result.get("seconds").asDouble();
    double accuracy = result.get("accuracy").asDouble();
    int ran = result.path("epochs_run").asInt(epochs);
    if (curve.isEmpty()) {
      curve.add(new TrainingRun.Point(ran, seconds, accuracy));
    }
    TrainingRun run = new TrainingRun("scikit-learn " + result.path("sklearn").asText(),
        String.format(Locale.ROOT, "(%s) relu, adam, batch %d, %d BLAS thread(s)", hidden.replace(",", ", "),
            batchSize, threads),
        result.get("rows").asLong(), curve, seconds, seconds, accuracy);
    return new Result(run, result.path("numpy").asText());
  }

  static int threads(Settings s) {
    return s.sklearnThreads() > 0 ? s.sklearnThreads() : Runtime.getRuntime().availableProcessors();
  }

  /** Why scikit-learn cannot run here, or null when it can. */
  static String missing(Settings s) {
    if (!Files.isRegularFile(Path.of(s.sklearnScript()))) {
      return "the script " + s.sklearnScript() + " is not there (run the benchmark from the project's root).";
    }
    if (!Files.isExecutable(Path.of(s.python()))) {
      return s.python() + " is not installed; the comparison needs Debian's python3 with python3-sklearn "
          + "(bench/install-sklearn.sh).";
    }
    try {
      Process check = new ProcessBuilder(s.python(), "-c", "import sklearn, numpy").redirectErrorStream(true).start();
      String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!check.waitFor(120, TimeUnit.SECONDS)) {
        check.destroyForcibly();
        return s.python() + " -c 'import sklearn' did not finish within 2 minutes.";
      }
      if (check.exitValue() != 0) {
        String last = output.strip().lines().reduce((a, b) -> b).orElse("exit code " + check.exitValue());
        return "scikit-learn is not installed for " + s.python() + " (" + last + "); install Debian's python3-sklearn "
            + "with bench/install-sklearn.sh.";
      }
      return null;
    } catch (IOException e) {
      return "could not start " + s.python() + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while checking for scikit-learn.";
    }
  }

  private static JsonNode runScript(BenchmarkContext ctx, int threads, String hidden, int epochs, int batchSize,
      double learningRate) throws IOException {
    Settings s = ctx.settings;
    Path dir = ctx.data.dir;
    List<String> command = new ArrayList<>(List.of(s.python(), s.sklearnScript(),
        "--train-images", dir.resolve("train-images-idx3-ubyte").toString(),
        "--train-labels", dir.resolve("train-labels-idx1-ubyte").toString(),
        "--test-images", dir.resolve("t10k-images-idx3-ubyte").toString(),
        "--test-labels", dir.resolve("t10k-labels-idx1-ubyte").toString(),
        "--hidden", hidden, "--epochs", Integer.toString(epochs), "--batch-size", Integer.toString(batchSize),
        "--learning-rate", Double.toString(learningRate), "--seed", Long.toString(s.seed()),
        "--train-limit", Integer.toString(s.trainLimit()), "--test-limit", Integer.toString(s.testLimit())));
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    Map<String, String> env = builder.environment();
    for (String name : List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")) {
      env.put(name, Integer.toString(threads));
    }
    Process process = builder.start();
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while scikit-learn was training");
    }
    String last = output.strip().lines().reduce((a, b) -> b).orElse("");
    if (process.exitValue() != 0 || !last.startsWith("{")) {
      throw new IOException(s.sklearnScript() + " exited with code " + process.exitValue() + " and printed '"
          + last + "'");
    }
    return new ObjectMapper().readTree(last);
  }
}
