package io.sparkneural.examples;

import io.sparkneural.cli.JobOptions;
import io.sparkneural.cli.JobSupport;
import io.sparkneural.datasets.AirPassengers;
import io.sparkneural.ml.NeuralRegressionModel;
import io.sparkneural.ml.NeuralRegressor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Forecasts the classic monthly airline passengers series (1949-1960, 144 months) with an LSTM: trains on the first
 * 120 months, then forecasts the last 24 recursively (each forecast feeds the next window; no test value is seen)
 * and compares the RMSE with the seasonal-naive forecasts.
 *
 * <p>The series grows far beyond anything seen in training, so the LSTM does not read levels: the log of the series
 * is detrended by a straight line fitted to the training months, and the LSTM learns the residual (the seasonal
 * pattern and its drift) from windows of the previous 12 residuals, standardised on the training months. The
 * windows are a sequence column ({@code array<array<double>>}, 12 timesteps x 1 feature). The forecast is the
 * extrapolated trend plus the forecast residual.
 *
 * <p>Run it with {@code mvn -B compile exec:exec -Djob.main=io.sparkneural.examples.AirPassengersJob}; the last line
 * reads {@code RESULT airpassengers-lstm rmse=... seasonal_naive_rmse=... ...}. Exit code: 0 on success, 1 when the
 * job fails, 2 for a wrong command line.
 */
public final class AirPassengersJob {
  static final String LAYERS = "lstm(32) dense(1)";
  static final int SEASON = 12;
  static final int TRAIN_MONTHS = 120;

  private record Settings(String master, int epochs, int batchSize, int workers, double learningRate, long seed,
      String data, boolean ui) {}

  private AirPassengersJob() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    JobOptions options = new JobOptions()
        .option("master", "local[2]", "Spark master URL")
        .option("epochs", "100", "passes over the 108 training windows")
        .option("batch-size", "16", "minibatch size per worker")
        .option("workers", "2", "parallel training workers")
        .option("learning-rate", "0.005", "Adam's learning rate")
        .option("seed", "42", "random seed")
        .option("data", "", "CSV with a header and the monthly values in its last column (default: the bundled "
            + "AirPassengers series)")
        .flag("ui", "enable the Spark web UI");
    if (JobOptions.wantsHelp(args)) {
      out.print(options.help("Usage: AirPassengersJob [options]" + System.lineSeparator()
          + "Forecasts the last 24 months of the airline passengers series with an LSTM trained on the first 120."));
      return 0;
    }
    Settings s;
    try {
      JobOptions o = options.parse(args);
      s = new Settings(o.string("master"), o.integer("epochs", 1), o.integer("batch-size", 1), o.integer("workers", 1),
          o.positiveDouble("learning-rate"), o.longValue("seed"), o.string("data"), o.flagSet("ui"));
    } catch (JobOptions.UsageException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    Settings settings = s;
    return JobSupport.runInSession(
        () -> JobSupport.session("spark-neural airline passengers LSTM", settings.master(), settings.ui()), spark -> {
          double[] series = read(settings.data());
          if (series.length < TRAIN_MONTHS + SEASON) {
            throw new IllegalArgumentException("the series has " + series.length + " values; the job needs at least "
                + (TRAIN_MONTHS + SEASON) + " (120 to train on, then the months to forecast)");
          }
          forecast(spark, series, settings, out);
        }, e -> false, err);
  }

  /** The values of the CSV's last column, in file order; for an empty path, the bundled series. */
  static double[] read(String path) throws IOException {
    if (path.isEmpty()) {
      return AirPassengers.values();
    }
    List<String> lines = Files.readAllLines(Path.of(path));
    List<Double> values = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String last = line.substring(line.lastIndexOf(',') + 1).strip();
      try {
        values.add(Double.parseDouble(last));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("line " + (i + 1) + " of " + path
            + " ends in '" + last + "', not a number");
      }
    }
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void forecast(SparkSession spark, double[] y, Settings s, PrintStream out) {
    int n = y.length;
    int horizon = n - TRAIN_MONTHS;
    // log(y) = a + b t + residual, the line fitted by least squares on the training months only
    double tMean = (TRAIN_MONTHS - 1) / 2.0;
    double logMean = 0;
    for (int t = 0; t < TRAIN_MONTHS; t++) {
      logMean += Math.log(y[t]) / TRAIN_MONTHS;
    }
    double sxy = 0;
    double sxx = 0;
    for (int t = 0; t < TRAIN_MONTHS; t++) {
      sxy += (t - tMean) * (Math.log(y[t]) - logMean);
      sxx += (t - tMean) * (t - tMean);
    }
    double slope = sxy / sxx;
    double intercept = logMean - slope * tMean;
    double sq = 0;
    for (int t = 0; t < TRAIN_MONTHS; t++) {
      sq += sq(Math.log(y[t]) - intercept - slope * t) / TRAIN_MONTHS;
    }
    double std = Math.sqrt(sq);
    double[] z = new double[n]; // standardised residual
    for (int t = 0; t < n; t++) {
      z[t] = (Math.log(y[t]) - intercept - slope * t) / std;
    }

    List<Row> windows = new ArrayList<>();
    for (int t = SEASON; t < TRAIN_MONTHS; t++) {
      List<List<Double>> steps = new ArrayList<>();
      for (int k = t - SEASON; k < t; k++) {
        steps.add(List.of(z[k]));
      }
      windows.add(RowFactory.create(steps, z[t]));
    }
    StructType schema = new StructType()
        .add("window", new ArrayType(new ArrayType(DataTypes.DoubleType, false), false), false)
        .add("residual", DataTypes.DoubleType, false);
    Dataset<Row> train = spark.createDataFrame(windows, schema).repartition(s.workers());
    out.printf(Locale.ROOT, "spark-neural airline passengers: %s on %d windows of %d months; forecasting months "
        + "%d-%d%n", LAYERS, windows.size(), SEASON, TRAIN_MONTHS + 1, n);

    NeuralRegressor regressor = new NeuralRegressor()
        .setFeaturesCol("window").setLabelCol("residual")
        .setLayers(LAYERS).setLoss("mse")
        .setOptimizer("adam").setLearningRate(s.learningRate())
        .setEpochs(s.epochs()).setBatchSize(s.batchSize()).setNumWorkers(s.workers())
        .setSeed(s.seed()).setVerbose(0);
    long start = System.nanoTime();
    NeuralRegressionModel model = regressor.fit(train);
    double trainSeconds = (System.nanoTime() - start) / 1e9;
    double[] losses = model.trainingLossHistory();
    out.printf(Locale.ROOT, "trained in %.1f s (%.2f s per epoch); loss %.4f after epoch 1, %.4f after epoch %d%n",
        trainSeconds, trainSeconds / s.epochs(), losses[0], losses[losses.length - 1], losses.length);

    // recursive forecast from month 120: forecasts replace the values the model has not seen
    double[] zHat = z.clone();
    double[] yHat = y.clone();
    for (int t = TRAIN_MONTHS; t < n; t++) {
      double[] window = new double[SEASON];
      System.arraycopy(zHat, t - SEASON, window, 0, SEASON);
      zHat[t] = model.predict(Vectors.dense(window));
      yHat[t] = Math.exp(intercept + slope * t + zHat[t] * std);
    }
    double se = 0;
    double seLastYear = 0;
    double seOrigin = 0;
    for (int t = TRAIN_MONTHS; t < n; t++) {
      se += sq(yHat[t] - y[t]);
      seLastYear += sq(y[t - SEASON] - y[t]); // same month last year, actual values (sees test months)
      seOrigin += sq(y[TRAIN_MONTHS - SEASON + (t - TRAIN_MONTHS) % SEASON] - y[t]); // the last training year repeated
    }
    double rmse = Math.sqrt(se / horizon);
    double naive = Math.sqrt(seLastYear / horizon);
    double naiveOrigin = Math.sqrt(seOrigin / horizon);
    out.println("month    actual  forecast  same-month-last-year");
    for (int t = TRAIN_MONTHS; t < n; t++) {
      out.printf(Locale.ROOT, "%7d %8.0f %9.1f %8.0f%n", t + 1, y[t], yHat[t], y[t - SEASON]);
    }
    out.printf(Locale.ROOT, "RESULT airpassengers-lstm rmse=%.2f seasonal_naive_rmse=%.2f "
            + "seasonal_naive_from_origin_rmse=%.2f ratio=%.3f train_seconds=%.1f epochs=%d workers=%d%n",
        rmse, naive, naiveOrigin, rmse / naive, trainSeconds, s.epochs(), s.workers());
  }

  private static double sq(double x) {
    return x * x;
  }
}
