package io.sparkneural.examples;

import io.sparkneural.cli.JobOptions;
import io.sparkneural.cli.JobSupport;
import io.sparkneural.datasets.Mnist;
import io.sparkneural.ml.NeuralClassificationModel;
import io.sparkneural.ml.NeuralClassifier;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.ElementwiseProduct;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Trains one of the seed's MNIST networks on Spark with parameter averaging, then prints the test accuracy and the
 * training wall time: the multilayer perceptron (784-64-32-10, ReLU, dropout 0.2, softmax; the default), the
 * convolutional network ({@code --network cnn}, images 28x28x1) or an LSTM reading each image row by row
 * ({@code --network lstm}, 28 timesteps x 28 features). All use Adam.
 *
 * <p>Run it with {@code mvn -B compile exec:exec}, passing options with {@code -Djob.args="--epochs 2"};
 * {@code --help} lists the options and their defaults. The last line of a successful run reads e.g.
 * {@code RESULT mnist-mlp test_accuracy=0.9712 train_seconds=123.4 samples_per_second=4862 epochs=10 workers=2 rows=60000}.
 * Exit code: 0 on success, 1 when the job fails, 2 for a wrong command line.
 */
public final class MnistJob {
  /** The seed's networks, in the library's layer notation, with the example shape each reads. */
  /** The MLP, the default network. */
  static final String LAYERS = SeedNetwork.MLP.layers();

  private record Settings(SeedNetwork network, String master, int epochs, int batchSize, int workers,
      int averagingFrequency, double learningRate, int trainLimit, int testLimit, long seed, Path dataDir,
      String scaler, boolean ui, boolean trainMetrics) {}

  private MnistJob() {}

  /** Runs the job with the given options and exits with its exit code (0 success, 1 failure, 2 usage error). */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the job.
   *
   * @return the exit code: 0 on success (also after {@code --help}), 1 when the job fails, 2 for a wrong command
   *     line; errors are reported on {@code err} as one line starting with {@code error:}
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    JobOptions options = declareOptions();
    if (JobOptions.wantsHelp(args)) {
      out.print(options.help("Usage: MnistJob [options]   (mvn -B compile exec:exec -Djob.args=\"[options]\")"
          + System.lineSeparator() + "Trains an MLP, a CNN or an LSTM on MNIST with spark-neural and prints its "
          + "test accuracy."));
      return 0;
    }
    Settings settings;
    try {
      settings = settings(options.parse(args));
    } catch (JobOptions.UsageException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    printHeader(settings, out);
    Settings s = settings;
    return JobSupport.runInSession(() -> session(s), spark -> train(spark, Mnist.ensureAvailable(s.dataDir()), s, out),
        e -> false, err);
  }

  private static JobOptions declareOptions() {
    return new JobOptions()
        .option("network", "mlp", "mlp (784-64-32-10), cnn (the seed's conv net on 28x28x1 images) or lstm "
            + "(lstm(128) over 28 rows of 28 pixels)")
        .option("master", "local[2]", "Spark master URL")
        .option("epochs", "10", "passes over the training data")
        .option("batch-size", "32", "minibatch size per worker")
        .option("workers", "2", "parallel training workers (also the data's partitions)")
        .option("averaging-frequency", "20", "minibatches each worker fits between parameter averaging rounds")
        .option("learning-rate", "1e-3", "Adam's learning rate")
        .option("train-limit", "0", "use only the first N training images (0 = all 60000)")
        .option("test-limit", "0", "use only the first N test images (0 = all 10000)")
        .option("seed", "42", "random seed (weight initialisation, shuffling, dropout)")
        .option("scaler", "auto", "feature scaling: standard (StandardScaler, zero mean and unit variance per "
            + "pixel) or pixel (ElementwiseProduct by 1/255, pixels in [0, 1]); auto = standard for mlp, pixel for "
            + "cnn and lstm (images keep their spatial contrast)")
        .option("data-dir", Mnist.defaultDir().toString(), "folder of the MNIST IDX files (fetched there if missing)")
        .flag("ui", "enable the Spark web UI")
        .flag("no-train-metrics", "skip the loss and accuracy on the whole training set after each epoch (one forward "
            + "pass over it: about a quarter of the CNN's epoch time)");
  }

  private static Settings settings(JobOptions o) throws JobOptions.UsageException {
    SeedNetwork network = network(o.string("network"));
    String scaler = o.string("scaler").equals("auto") ? (network == SeedNetwork.MLP ? "standard" : "pixel")
        : scaler(o.string("scaler"));
    return new Settings(network, o.string("master"), o.integer("epochs", 1), o.integer("batch-size", 1),
        o.integer("workers", 1), o.integer("averaging-frequency", 1), o.positiveDouble("learning-rate"),
        o.integer("train-limit", 0), o.integer("test-limit", 0), o.longValue("seed"),
        Path.of(o.string("data-dir")), scaler, o.flagSet("ui"), !o.flagSet("no-train-metrics"));
  }

  private static SeedNetwork network(String value) throws JobOptions.UsageException {
    for (SeedNetwork n : SeedNetwork.values()) {
      if (n.label().equals(value)) {
        return n;
      }
    }
    throw new JobOptions.UsageException("--network must be mlp, cnn or lstm, but was '" + value + "'");
  }

  private static String scaler(String value) throws JobOptions.UsageException {
    if (!value.equals("standard") && !value.equals("pixel")) {
      throw new JobOptions.UsageException("--scaler must be standard, pixel or auto, but was '" + value + "'");
    }
    return value;
  }

  /**
   * StandardScaler is what the seed's pipeline names; on MNIST it turns pixels that are lit in only a few training
   * images into values of 100+ standard deviations. Dividing by 255 avoids that and scores about 0.3 points higher.
   */
  private static PipelineStage scalerStage(String scaler) {
    if (scaler.equals("pixel")) {
      double[] factors = new double[Mnist.PIXELS];
      java.util.Arrays.fill(factors, 1.0 / 255);
      return new ElementwiseProduct().setInputCol("features").setOutputCol("scaled").setScalingVec(Vectors.dense(factors));
    }
    return new StandardScaler().setInputCol("features").setOutputCol("scaled").setWithMean(true).setWithStd(true);
  }

  private static void printHeader(Settings s, PrintStream out) {
    out.println("spark-neural MNIST " + s.network().label() + ": " + s.network().layers()
        + (s.network().inputShape().isEmpty() ? "" : " (inputShape " + s.network().inputShape() + ")"));
    out.printf(Locale.ROOT, "  master=%s workers=%d epochs=%d batch-size=%d averaging-frequency=%d "
            + "learning-rate=%s seed=%d%n", s.master(), s.workers(), s.epochs(), s.batchSize(),
        s.averagingFrequency(), s.learningRate(), s.seed());
    out.printf(Locale.ROOT, "  scaler=%s train-limit=%d test-limit=%d data-dir=%s%n", s.scaler(), s.trainLimit(),
        s.testLimit(), s.dataDir());
  }

  private static SparkSession session(Settings s) {
    return JobSupport.session("spark-neural MNIST " + s.network().label(), s.master(), s.ui());
  }

  private static void train(SparkSession spark, Path dir, Settings s, PrintStream out) {
    Dataset<Row> train = Mnist.load(spark, dir, true, s.trainLimit(), s.workers());
    Dataset<Row> test = Mnist.load(spark, dir, false, s.testLimit(), s.workers());
    long rows = train.count();
    out.printf(Locale.ROOT, "data: %d training rows, %d test rows, %d partitions%n", rows, test.count(), s.workers());

    PipelineStage scaler = scalerStage(s.scaler());
    NeuralClassifier classifier = new NeuralClassifier()
        .setFeaturesCol("scaled").setLabelCol("label")
        .setLayers(s.network().layers())
        .setInputShape(s.network().inputShape())
        .setLoss("sparse_categorical_crossentropy")
        .setOptimizer("adam").setLearningRate(s.learningRate())
        .setEpochs(s.epochs()).setBatchSize(s.batchSize())
        .setAveragingFrequency(s.averagingFrequency()).setNumWorkers(s.workers())
        .setSeed(s.seed())
        .setTrackTrainingLoss(s.trainMetrics());
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {scaler, classifier});

    long start = System.nanoTime();
    PipelineModel model = pipeline.fit(train);
    double trainSeconds = (System.nanoTime() - start) / 1e9;

    NeuralClassificationModel network = (NeuralClassificationModel) model.stages()[1];
    double[] losses = network.trainingLossHistory();
    for (int i = 0; i < losses.length && s.trainMetrics(); i++) {
      out.printf(Locale.ROOT, "epoch %d/%d loss=%.4f%n", i + 1, s.epochs(), losses[i]);
    }
    out.printf(Locale.ROOT, "seconds per epoch: %.1f%n", trainSeconds / s.epochs());
    double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
        .evaluate(model.transform(test));
    long samplesPerSecond = Math.round(rows * (double) s.epochs() / trainSeconds);
    out.printf(Locale.ROOT, "RESULT mnist-" + s.network().label() + " test_accuracy=%.4f train_seconds=%.1f samples_per_second=%d "
        + "epochs=%d workers=%d rows=%d%n", accuracy, trainSeconds, samplesPerSecond, s.epochs(), s.workers(), rows);
  }
}
