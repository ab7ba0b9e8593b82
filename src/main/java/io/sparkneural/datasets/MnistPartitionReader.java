package io.sparkneural.datasets;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Turns a partition of example indices (from {@code spark.range}) into MNIST rows, reading the IDX files on the
 * executor through Hadoop's FileSystem API. The indices of a range partition are consecutive, so each partition
 * seeks once in each file and reads only its own bytes.
 */
final class MnistPartitionReader implements MapPartitionsFunction<Long, Row> {
  private static final long serialVersionUID = 1L;
  private static final int BUFFER_BYTES = 1 << 16;

  private final String imagesPath;
  private final String labelsPath;
  private final SerializableHadoopConf conf;

  /**
   * @param imagesPath the images IDX file, as a Hadoop path string (e.g. {@code file:/...} or {@code hdfs://...})
   * @param labelsPath the labels IDX file
   * @param conf the driver's Hadoop configuration
   */
  MnistPartitionReader(String imagesPath, String labelsPath, SerializableHadoopConf conf) {
    this.imagesPath = imagesPath;
    this.labelsPath = labelsPath;
    this.conf = conf;
  }

  @Override
  public Iterator<Row> call(Iterator<Long> indices) {
    Rows rows = new Rows(indices);
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) context -> rows.close());
    }
    return rows;
  }

  /** One open IDX file, positioned at a record. */
  private static final class Records implements Closeable {
    final String name;
    final IdxFile.Header header;
    private final FSDataInputStream raw;
    private DataInputStream in;
    private long next = -1;

    Records(String pathString, int magic, SerializableHadoopConf conf) throws IOException {
      Path path = new Path(pathString);
      FileSystem fs = path.getFileSystem(conf.get());
      this.name = path.getName();
      this.raw = fs.open(path);
      try {
        this.header = IdxFile.readHeader(raw, name, fs.getFileStatus(path).getLen(), magic);
      } catch (IOException e) {
        raw.close();
        throw e;
      }
    }

    /** Reads record {@code index} into {@code into} (whose length is the record size). */
    void read(long index, byte[] into) throws IOException {
      if (index < 0 || index >= header.count()) {
        throw new IOException(String.format(Locale.ROOT, "%s has %d records, no record %d",
            name, header.count(), index));
      }
      if (index != next) {
        raw.seek(header.offsetOf(index));
        in = new DataInputStream(new BufferedInputStream(raw, BUFFER_BYTES));
      }
      try {
        in.readFully(into);
      } catch (EOFException e) {
        throw new IOException(String.format(Locale.ROOT, "%s is truncated: it ends inside record %d", name, index), e);
      }
      next = index + 1;
    }

    @Override
    public void close() throws IOException {
      raw.close();
    }
  }

  /** The rows of one partition; opens the files at the first row and closes them after the last. */
  private final class Rows implements Iterator<Row>, Closeable {
    private final Iterator<Long> indices;
    private Records images;
    private Records labels;
    private byte[] pixels;
    private final byte[] label = new byte[1];
    private boolean closed;

    Rows(Iterator<Long> indices) {
      this.indices = indices;
    }

    @Override
    public boolean hasNext() {
      boolean more = !closed && indices.hasNext();
      if (!more) {
        close();
      }
      return more;
    }

    @Override
    public Row next() {
      if (closed) {
        throw new NoSuchElementException();
      }
      long index = indices.next();
      try {
        if (images == null) {
          open();
        }
        images.read(index, pixels);
        labels.read(index, label);
      } catch (IOException e) {
        close();
        throw new UncheckedIOException(e.getMessage(), e);
      }
      int digit = label[0] & 0xff;
      if (digit > 9) {
        close();
        throw new IllegalStateException(String.format(Locale.ROOT,
            "%s: label MUST be in [0, 10), but got %d at index %d", labels.name, digit, index));
      }
      double[] values = new double[pixels.length];
      for (int i = 0; i < values.length; i++) {
        values[i] = pixels[i] & 0xff;
      }
      return RowFactory.create(Vectors.dense(values), (double) digit);
    }

    private void open() throws IOException {
      images = new Records(imagesPath, IdxFile.IMAGES_MAGIC, conf);
      labels = new Records(labelsPath, IdxFile.LABELS_MAGIC, conf);
      pixels = new byte[images.header.recordBytes()];
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      closeQuietly(images);
      closeQuietly(labels);
    }

    private void closeQuietly(Closeable c) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (IOException e) {
        // read-only streams: nothing is lost
      }
    }
  }
}
