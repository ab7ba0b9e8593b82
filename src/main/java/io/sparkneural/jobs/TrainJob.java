package io.sparkneural.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkneural.cli.JobOptions;
import io.sparkneural.cli.JobSupport;
import io.sparkneural.ml.NeuralClassificationModel;
import io.sparkneural.ml.NeuralEstimatorParams;
import io.sparkneural.ml.NeuralModel;
import io.sparkneural.ml.NeuralTrainingSummary;
import io.sparkneural.notebook.Plots;
import io.sparkneural.train.EpochRecord;
import io.sparkneural.train.TrainingListener;
import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code train} batch job: reads a job configuration (HOCON), loads the data, builds and fits the pipeline it
 * names, scores it on a test split or test path, and writes to the output folder the saved PipelineModel
 * ({@code model/}), {@code metrics.json}, {@code history.csv}, the loss and metric curves as PNG, for classifiers
 * the confusion matrix (CSV and PNG), and the configuration it ran with ({@code config.json}).
 *
 * <p>Exit codes: 0 success; 2 a wrong command line, configuration or data (one line on stderr, naming the key,
 * column or row); 1 any other failure. {@code --help} lists the options and every configuration key.
 */
public final class TrainJob {
  private TrainJob() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static JobOptions options() {
    return new JobOptions()
        .option("config", "", "the job configuration file (HOCON or JSON; examples in conf/jobs/)")
        .repeated("set", "override one configuration key, e.g. --set pipeline.params.epochs=3 (repeatable)")
        .option("master", "", "Spark master, when not launched by spark-submit (default: spark.master in the "
            + "configuration, else local[2])")
        .option("output", "", "output folder (default: output.path in the configuration)");
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    JobOptions options = options();
    if (JobOptions.wantsHelp(args)) {
      out.print(options.help("Usage: TrainJob --config FILE [--set key=value]... [--master URL] [--output DIR]"
          + System.lineSeparator() + "Trains the pipeline a job configuration names and writes the model, metrics, "
          + "history and plots."));
      out.print(TrainSpec.keysHelp());
      return 0;
    }
    TrainSpec spec;
    try {
      options.parse(args);
      if (options.string("config").isEmpty()) {
        throw new JobOptions.UsageException("--config FILE is required (see --help)");
      }
      List<String> sets = new ArrayList<>(options.strings("set"));
      if (!options.string("output").isEmpty()) {
        sets.add("output.path=\"" + options.string("output").replace("\"", "\\\"") + "\"");
      }
      if (!options.string("master").isEmpty()) {
        sets.add("spark.master=\"" + options.string("master") + "\"");
      }
      spec = TrainSpec.read(JobConfig.load(new File(options.string("config")), sets));
    } catch (JobOptions.UsageException | JobConfig.BadConfig e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    TrainSpec job = spec;
    return JobSupport.runInSession(() -> Jobs.session(job.master(), job.appName(), job.sparkConf()),
        spark -> train(spark, job, out), Jobs::isBadInput, err);
  }

  static void train(SparkSession spark, TrainSpec spec, PrintStream out) throws Exception {
    int partitions = spark.sparkContext().defaultParallelism();
    Dataset<Row> train = spec.train().load(spark, partitions);
    Dataset<Row> test;
    if (spec.test() != null) {
      test = spec.test().load(spark, partitions);
    } else {
      Dataset<Row>[] split = train.randomSplit(new double[] {1 - spec.testFraction(), spec.testFraction()},
          spec.splitSeed());
      train = split[0];
      test = split[1];
    }
    OutputFolder folder = OutputFolder.open(spec.outputPath(), spec.overwrite(),
        spark.sparkContext().hadoopConfiguration());
    Pipeline pipeline = spec.pipeline().build(train.schema());
    EpochsThisRun trainedNow = new EpochsThisRun();
    ((NeuralEstimatorParams<?>) pipeline.getStages()[pipeline.getStages().length - 1]).addTrainingListener(trainedNow);
    train = train.cache();
    long trainRows = train.count();
    out.printf(Locale.ROOT, "train: %d rows from %s; test: %s; output: %s%n", trainRows, spec.train().path(),
        spec.test() != null ? spec.test().path() : "a " + spec.testFraction() + " random split", folder);

    long start = System.nanoTime();
    PipelineModel model = pipeline.fit(train);
    double seconds = (System.nanoTime() - start) / 1e9;
    train.unpersist();
    NeuralModel network = (NeuralModel) model.stages()[model.stages().length - 1];
    NeuralTrainingSummary summary = network.summary();

    Dataset<Row> scored = model.transform(test).cache();
    String label = spec.pipeline().scoredLabel(test.schema());
    Map<String, Object> testMetrics = new LinkedHashMap<>();
    long testRows = scored.count();
    testMetrics.put("rows", testRows);
    long[][] confusion = null;
    List<String> classes = null;
    if (spec.pipeline().classifier()) {
      for (String m : List.of("accuracy", "f1", "weightedPrecision", "weightedRecall")) {
        testMetrics.put(m, new MulticlassClassificationEvaluator().setLabelCol(label).setMetricName(m).evaluate(scored));
      }
      classes = classNames(model, ((NeuralClassificationModel) network).numClasses());
      confusion = Plots.confusionCounts(scored, label, "prediction", classes.size());
    } else {
      for (String m : List.of("rmse", "mae", "r2")) {
        testMetrics.put(m, new RegressionEvaluator().setLabelCol(label).setMetricName(m).evaluate(scored));
      }
    }
    scored.unpersist();

    model.write().overwrite().save(folder.path("model"));
    List<EpochRecord> history = summary.epochRecords();
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("model", spec.pipeline().model());
    metrics.put("train_rows", trainRows);
    metrics.put("train_seconds", seconds);
    // a fit resumed from a checkpoint carries the earlier run's epochs in its history: only this run's count here
    int resumedEpochs = history.size() - trainedNow.epochs;
    double samplesPerSecond = trainRows * (double) trainedNow.epochs / seconds;
    metrics.put("samples_per_second", samplesPerSecond);
    metrics.put("epochs_run", history.size());
    metrics.put("epochs_trained_now", trainedNow.epochs);
    metrics.put("resumed_after_epoch", resumedEpochs);
    metrics.put("stopped_epoch", summary.stoppedEpoch());
    metrics.put("best_epoch", summary.bestEpoch());
    metrics.put("restored_best_weights", summary.restoredBestWeights());
    metrics.put("workers", summary.numWorkers());
    metrics.put("last_epoch", history.isEmpty() ? Map.of() : history.get(history.size() - 1).metrics());
    metrics.put("test", testMetrics);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    folder.write("metrics.json", json.writeValueAsString(metrics) + "\n");
    folder.write("history.csv", historyCsv(history));
    folder.write("config.json", spec.configJson() + "\n");
    List<String> files = new ArrayList<>(List.of("model/", "metrics.json", "history.csv", "config.json"));
    byte[] loss = Charts.curve(history, "loss", "Loss per epoch");
    if (loss != null) {
      folder.write("loss.png", loss);
      files.add("loss.png");
    }
    String metric = spec.pipeline().classifier() ? "accuracy" : "rmse";
    byte[] curve = Charts.curve(history, metric, metric + " per epoch");
    if (curve != null) {
      folder.write(metric + ".png", curve);
      files.add(metric + ".png");
    }
    if (confusion != null) {
      folder.write("confusion-matrix.csv", confusionCsv(confusion, classes));
      folder.write("confusion-matrix.png", Charts.confusion(confusion, classes));
      files.addAll(List.of("confusion-matrix.csv", "confusion-matrix.png"));
    }

    out.println();
    out.printf(Locale.ROOT, "%s in %.1f s (%.0f samples/s, %d workers)%s%n", resumedEpochs == 0
            ? "trained " + history.size() + " epochs"
            : "resumed after epoch " + resumedEpochs + " from its checkpoint, trained " + trainedNow.epochs + " more",
        seconds, samplesPerSecond, summary.numWorkers(),
        summary.stoppedEpoch() > 0 ? "; early stopping after epoch " + summary.stoppedEpoch()
            + (summary.restoredBestWeights() ? ", best weights (epoch " + summary.bestEpoch() + ") restored" : "") : "");
    StringBuilder line = new StringBuilder("test (" + testRows + " rows):");
    testMetrics.forEach((k, v) -> {
      if (!k.equals("rows")) {
        line.append(String.format(Locale.ROOT, " %s=%.4f", k, ((Number) v).doubleValue()));
      }
    });
    out.println(line);
    if (confusion != null) {
      out.print(confusionTable(confusion, classes));
    }
    out.println("wrote " + String.join(", ", files) + " to " + folder);
    out.printf(Locale.ROOT, "RESULT train %s=%.4f train_seconds=%.1f epochs=%d%s%n",
        spec.pipeline().classifier() ? "test_accuracy" : "test_rmse",
        ((Number) testMetrics.get(spec.pipeline().classifier() ? "accuracy" : "rmse")).doubleValue(), seconds,
        history.size(), resumedEpochs == 0 ? "" : " resumed_after_epoch=" + resumedEpochs);
  }

  /** Counts the epochs this fit trains, which a resumed fit's history does not tell apart from the earlier run's. */
  private static final class EpochsThisRun implements TrainingListener, java.io.Serializable {
    private static final long serialVersionUID = 1L;
    int epochs;

    @Override
    public void onEpochEnd(EpochRecord record) {
      epochs++;
    }
  }

  /** The original class names when a StringIndexer made the label, else 0..k-1. */
  private static List<String> classNames(PipelineModel model, int numClasses) {
    for (Transformer t : model.stages()) {
      if (t instanceof StringIndexerModel indexer) {
        return List.of(indexer.labelsArray()[0]);
      }
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < numClasses; i++) {
      names.add(Integer.toString(i));
    }
    return names;
  }

  static String historyCsv(List<EpochRecord> history) {
    Set<String> names = new LinkedHashSet<>();
    for (EpochRecord r : history) {
      names.addAll(r.metrics().keySet());
    }
    StringBuilder csv = new StringBuilder("epoch");
    for (String n : names) {
      csv.append(',').append(n);
    }
    csv.append(",learning_rate,seconds,samples_per_second\n");
    for (EpochRecord r : history) {
      csv.append(r.epoch());
      for (String n : names) {
        Double v = r.metrics().get(n);
        csv.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%.6g", v));
      }
      csv.append(String.format(Locale.ROOT, ",%.6g,%.3f,%.1f%n", r.learningRate(), r.seconds(), r.samplesPerSecond()));
    }
    return csv.toString();
  }

  static String confusionCsv(long[][] counts, List<String> classes) {
    StringBuilder csv = new StringBuilder("true\\predicted");
    for (String c : classes) {
      csv.append(',').append(csvField(c));
    }
    csv.append('\n');
    for (int t = 0; t < classes.size(); t++) {
      csv.append(csvField(classes.get(t)));
      for (int p = 0; p < classes.size(); p++) {
        csv.append(',').append(counts[t][p]);
      }
      csv.append('\n');
    }
    return csv.toString();
  }

  private static String csvField(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  private static String confusionTable(long[][] counts, List<String> classes) {
    int width = 6;
    for (String c : classes) {
      width = Math.max(width, c.length() + 1);
    }
    for (long[] row : counts) {
      for (long v : row) {
        width = Math.max(width, Long.toString(v).length() + 1);
      }
    }
    StringBuilder s = new StringBuilder("confusion matrix (rows: true class, columns: predicted)\n");
    s.append(String.format(Locale.ROOT, "%" + width + "s", ""));
    for (String c : classes) {
      s.append(String.format(Locale.ROOT, "%" + width + "s", c));
    }
    s.append('\n');
    for (int t = 0; t < classes.size(); t++) {
      s.append(String.format(Locale.ROOT, "%" + width + "s", classes.get(t)));
      for (long v : counts[t]) {
        s.append(String.format(Locale.ROOT, "%" + width + "d", v));
      }
      s.append('\n');
    }
    return s.toString();
  }
}
