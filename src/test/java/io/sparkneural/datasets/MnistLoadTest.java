package io.sparkneural.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Mnist#load} on small generated IDX files, with a local Spark session. */
class MnistLoadTest {
  private static final int TRAIN = 10;
  private static final int TEST = 3;

  @TempDir static Path dir;
  private static SparkSession spark;

  @BeforeAll
  static void start() throws IOException {
    IdxFixtures.writeImages(dir.resolve("train-images-idx3-ubyte"), TRAIN, 28, 28);
    IdxFixtures.writeLabels(dir.resolve("train-labels-idx1-ubyte"), TRAIN);
    IdxFixtures.writeImages(dir.resolve("t10k-images-idx3-ubyte"), TEST, 28, 28);
    IdxFixtures.writeLabels(dir.resolve("t10k-labels-idx1-ubyte"), TEST);
    spark = SparkSession.builder()
        .master("local[2]")
        .appName("MnistLoadTest")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void readsEveryTrainingExampleInFileOrder() {
    Dataset<Row> train = Mnist.load(spark, dir, true, 0, 3);
    assertEquals(3, train.rdd().getNumPartitions());
    assertEquals(List.of("features", "label"), List.of(train.columns()));
    assertEquals(SQLDataTypes.VectorType(), train.schema().apply("features").dataType());
    assertEquals(DataTypes.DoubleType, train.schema().apply("label").dataType());
    assertExamples(train.collectAsList(), TRAIN);
  }

  @Test
  void limitAndPartitions() {
    Dataset<Row> first7 = Mnist.load(spark, dir, true, 7, 2);
    assertEquals(2, first7.rdd().getNumPartitions());
    assertExamples(first7.collectAsList(), 7);
    assertEquals(TRAIN, Mnist.load(spark, dir, true, 1000, 4).count(), "a limit above the size means all");
    Dataset<Row> sparse = Mnist.load(spark, dir, true, 5, 20);
    assertEquals(20, sparse.rdd().getNumPartitions(), "more partitions than rows");
    assertExamples(sparse.collectAsList(), 5);
  }

  @Test
  void readsTheTestFiles() {
    assertExamples(Mnist.load(spark, dir, false, -1, 2).collectAsList(), TEST);
  }

  @Test
  void acceptsAHadoopPathString() {
    assertExamples(Mnist.load(spark, dir.toUri().toString(), false, 0, 1).collectAsList(), TEST);
  }

  @Test
  void describesTheColumnsInMetadata() {
    Dataset<Row> train = Mnist.load(spark, dir, true, 0, 1);
    Attribute label = Attribute.fromStructField(train.schema().apply("label"));
    assertTrue(label instanceof NominalAttribute);
    assertEquals(10, ((NominalAttribute) label).getNumValues().get());
    assertEquals(784, AttributeGroup.fromStructField(train.schema().apply("features")).size());
  }

  @Test
  void rejectsDifferentImageAndLabelCounts(@TempDir Path other) throws IOException {
    IdxFixtures.writeImages(other.resolve("train-images-idx3-ubyte"), 4, 28, 28);
    IdxFixtures.writeLabels(other.resolve("train-labels-idx1-ubyte"), 3);
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Mnist.load(spark, other, true, 0, 1));
    assertEquals("train-images-idx3-ubyte has 4 images but train-labels-idx1-ubyte has 3 labels",
        e.getCause().getMessage());
  }

  @Test
  void rejectsImagesOfAnotherSize(@TempDir Path other) throws IOException {
    IdxFixtures.writeImages(other.resolve("t10k-images-idx3-ubyte"), 2, 8, 8);
    IdxFixtures.writeLabels(other.resolve("t10k-labels-idx1-ubyte"), 2);
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Mnist.load(spark, other, false, 0, 1));
    assertEquals("t10k-images-idx3-ubyte holds 8x8 images, expected 28x28", e.getCause().getMessage());
  }

  @Test
  void rejectsATruncatedFileOnTheDriver(@TempDir Path other) throws IOException {
    IdxFixtures.truncate(IdxFixtures.writeImages(other.resolve("train-images-idx3-ubyte"), 2, 28, 28), 100);
    IdxFixtures.writeLabels(other.resolve("train-labels-idx1-ubyte"), 2);
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Mnist.load(spark, other, true, 0, 1));
    assertEquals("train-images-idx3-ubyte is truncated: its header announces 1584 bytes (2x28x28) "
        + "but the file has 100 bytes", e.getMessage());
  }

  @Test
  void saysWhatToDoWhenTheFilesAreMissing(@TempDir Path empty) {
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Mnist.load(spark, empty, true, 0, 1));
    assertTrue(e.getMessage().matches("MNIST file file:.*/train-images-idx3-ubyte not found; "
        + "call Mnist.ensureAvailable\\(dir\\) first"), e.getMessage());
  }

  @Test
  void rejectsZeroPartitions() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Mnist.load(spark, dir, true, 0, 0));
    assertEquals("numPartitions MUST be at least 1, but got 0", e.getMessage());
  }

  @Test
  void rejectsAnOutOfRangeLabelOnTheExecutor(@TempDir Path other) throws IOException {
    IdxFixtures.writeImages(other.resolve("train-images-idx3-ubyte"), 2, 28, 28);
    Path labels = IdxFixtures.writeLabels(other.resolve("train-labels-idx1-ubyte"), 2);
    byte[] bytes = Files.readAllBytes(labels);
    bytes[9] = 12;
    IdxFixtures.writeBytes(labels, bytes);
    Exception e = assertThrows(Exception.class, () -> Mnist.load(spark, other, true, 0, 1).collectAsList());
    assertTrue(e.getMessage().contains("train-labels-idx1-ubyte: label MUST be in [0, 10), but got 12 at index 1"),
        e.getMessage());
  }

  private static void assertExamples(List<Row> rows, int count) {
    assertEquals(count, rows.size());
    for (int i = 0; i < count; i++) {
      Vector features = rows.get(i).getAs("features");
      assertEquals(Mnist.PIXELS, features.size());
      for (int p = 0; p < Mnist.PIXELS; p++) {
        assertEquals(IdxFixtures.pixel(i, p), features.apply(p), 0.0, "image " + i + " pixel " + p);
      }
      assertEquals(IdxFixtures.label(i), rows.get(i).<Double>getAs("label"), 0.0, "label " + i);
    }
  }
}
