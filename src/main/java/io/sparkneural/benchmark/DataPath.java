package io.sparkneural.benchmark;

import io.sparkneural.data.MinibatchConverter;
import io.sparkneural.datasets.Mnist;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How fast rows become ND4J minibatches: the cached training DataFrame of vectors scanned by Spark, the same scan
 * turned into minibatches by {@link MinibatchConverter} (the estimators' path), against plain loops over the same
 * number of doubles in one array (to floats; to floats and then ND4J arrays). Each figure is the best of
 * {@value #RUNS} runs.
 */
final class DataPath {
  private static final int RUNS = 3;

  /**
   * One way of moving the rows.
   *
   * @param rowsPerSecond rows (784 doubles each) per second
   * @param minibatches minibatches produced (0 where none are)
   */
  record Measurement(String path, long rows, double seconds, double rowsPerSecond, long minibatches) {}

  private DataPath() {}

  /** Section 6. */
  static void run(BenchmarkContext ctx) {
    ctx.progress("data path over " + ctx.data.trainRows + " cached rows");
    List<Measurement> all = measure(ctx.data, ctx.settings.batchSize(), ctx.settings.seed());
    double plain = all.get(0).rowsPerSecond();
    List<List<String>> rows = new ArrayList<>();
    for (Measurement m : all) {
      rows.add(Report.row(m.path(), Report.count(m.rows()), Report.number(m.seconds(), 3),
          Report.count(m.rowsPerSecond()), Report.count(m.rowsPerSecond() * Mnist.PIXELS * 8 / 1e6),
          m.minibatches() == 0 ? "-" : Report.count(m.minibatches()), Report.ratio(plain / m.rowsPerSecond())));
    }
    Report.Section section = ctx.report.section("6. Data path: cached DataFrame rows to ND4J minibatches")
        .table(Report.row("path", "rows", "best s (of " + RUNS + ")", "rows/s", "MB/s of doubles", "minibatches",
            "slower than the plain loop"), rows)
        .note("Batch size " + ctx.settings.batchSize() + "; " + Mnist.PIXELS + " values per row (8 bytes each as "
            + "doubles in the DataFrame, 4 as floats in ND4J). The Spark rows run on the session's master ("
            + ctx.settings.master() + ") over " + ctx.data.train.rdd().getNumPartitions() + " partitions; the plain "
            + "loops on one thread.");
    ctx.out.print(section.markdown());
  }

  static List<Measurement> measure(MnistData data, int batchSize, long seed) {
    List<Measurement> all = new ArrayList<>();
    long rows = data.trainRows;
    all.add(best("plain loop: double[] to float[] minibatches", rows, () -> {
      copyLoop(Math.toIntExact(rows), batchSize, false);
      return 0L;
    }));
    all.add(best("plain loop: double[] to float[] to ND4J minibatches", rows, () -> {
      copyLoop(Math.toIntExact(rows), batchSize, true);
      return (rows + batchSize - 1) / batchSize;
    }));
    all.add(best("Spark: scan the cached DataFrame's vectors", rows, () -> {
      data.train.toJavaRDD().map(r -> ((Vector) r.get(0)).size()).reduce(Integer::sum);
      return 0L;
    }));
    MinibatchConverter converter = new MinibatchConverter("features", "label", Mnist.PIXELS, 10, true, batchSize, seed);
    all.add(best("Spark: MinibatchConverter to flat float minibatches (what training caches)", rows,
        () -> converter.convertToArrays(data.train).count()));
    all.add(best("Spark: MinibatchConverter to ND4J minibatches", rows, () -> converter.convert(data.train).count()));
    return all;
  }

  private interface Body {
    long run();
  }

  private static Measurement best(String path, long rows, Body body) {
    body.run();
    double best = Double.MAX_VALUE;
    long minibatches = 0;
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      minibatches = body.run();
      best = Math.min(best, (System.nanoTime() - start) / 1e9);
    }
    return new Measurement(path, rows, best, rows / best, minibatches);
  }

  private static volatile float sink;

  /** The plain reference: rows of 784 doubles, read in order and converted to float minibatches. */
  private static void copyLoop(int rows, int batchSize, boolean toNd4j) {
    int width = Mnist.PIXELS;
    double[] source = Holder.source(rows * width);
    float checksum = 0;
    for (int start = 0; start < rows; start += batchSize) {
      int n = Math.min(batchSize, rows - start);
      float[] batch = new float[n * width];
      int offset = start * width;
      for (int i = 0; i < batch.length; i++) {
        batch[i] = (float) source[offset + i];
      }
      if (toNd4j) {
        INDArray array = Nd4j.createFromArray(batch).reshape('c', n, width);
        checksum += array.getFloat(0);
      } else {
        checksum += batch[0];
      }
    }
    sink = checksum;
  }

  /** The source array, made once: allocating it is not part of what is measured. */
  private static final class Holder {
    private static double[] source;

    static synchronized double[] source(int size) {
      if (source == null || source.length != size) {
        source = new double[size];
        for (int i = 0; i < size; i++) {
          source[i] = (i % 256) / 255.0;
        }
      }
      return source;
    }
  }
}
