package io.sparkneural.benchmark;

import io.sparkneural.datasets.Mnist;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.ml.feature.ElementwiseProduct;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * MNIST as every contender sees it: pixels divided by 255 (the example job's pixel scaler), cached in Spark, and
 * copied once to the driver as plain arrays for the contenders that train without Spark.
 */
final class MnistData implements AutoCloseable {
  /** The boolean column that marks the test rows in {@link #trainWithTestFlagged()}. */
  static final String TEST_FLAG = "is_test";

  /** Examples as plain row-major arrays: {@code features[n x 784]} in [0, 1] and the labels as class indices. */
  record Arrays2d(float[] features, int[] labels, int rows, int width) {}

  final Dataset<Row> train;
  final Dataset<Row> test;
  final long trainRows;
  final long testRows;
  final Path dir;
  private Arrays2d trainArrays;
  private Arrays2d testArrays;

  private MnistData(Path dir, Dataset<Row> train, Dataset<Row> test) {
    this.dir = dir;
    this.train = train;
    this.test = test;
    this.trainRows = train.count();
    this.testRows = test.count();
  }

  /**
   * Loads, scales and caches the first {@code trainLimit} training and {@code testLimit} test images (0 = all).
   *
   * @param partitions partitions of each DataFrame
   */
  static MnistData load(SparkSession spark, Path dir, int trainLimit, int testLimit, int partitions) {
    return new MnistData(dir, scaled(Mnist.load(spark, dir, true, trainLimit, partitions)).cache(),
        scaled(Mnist.load(spark, dir, false, testLimit, partitions)).cache());
  }

  private static Dataset<Row> scaled(Dataset<Row> raw) {
    double[] factors = new double[Mnist.PIXELS];
    Arrays.fill(factors, 1.0 / 255);
    Dataset<Row> scaled = new ElementwiseProduct().setInputCol("features").setOutputCol("scaled")
        .setScalingVec(Vectors.dense(factors)).transform(raw);
    return scaled.select(col("scaled").as("features"), col("label"));
  }

  /** Training and test rows in one frame, the test rows marked true in {@link #TEST_FLAG}. */
  Dataset<Row> trainWithTestFlagged() {
    return train.withColumn(TEST_FLAG, lit(false)).union(test.withColumn(TEST_FLAG, lit(true)));
  }

  /** The training rows on the driver (copied on first use). */
  synchronized Arrays2d trainArrays() {
    if (trainArrays == null) {
      trainArrays = collect(train, trainRows);
    }
    return trainArrays;
  }

  /** The test rows on the driver (copied on first use). */
  synchronized Arrays2d testArrays() {
    if (testArrays == null) {
      testArrays = collect(test, testRows);
    }
    return testArrays;
  }

  private static Arrays2d collect(Dataset<Row> data, long count) {
    int rows = Math.toIntExact(count);
    float[] features = new float[rows * Mnist.PIXELS];
    int[] labels = new int[rows];
    Iterator<Row> it = data.toLocalIterator();
    int i = 0;
    while (it.hasNext()) {
      Row row = it.next();
      double[] values = ((Vector) row.get(0)).toArray();
      for (int j = 0; j < values.length; j++) {
        features[i * Mnist.PIXELS + j] = (float) values[j];
      }
      labels[i++] = (int) row.getDouble(1);
    }
    return new Arrays2d(features, labels, rows, Mnist.PIXELS);
  }

  @Override
  public void close() {
    train.unpersist();
    test.unpersist();
  }
}
