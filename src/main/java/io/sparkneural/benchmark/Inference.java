package io.sparkneural.benchmark;

import io.sparkneural.network.NativeMemoryGuard;
import io.sparkneural.network.NetworkMemory;
import io.sparkneural.ml.NeuralClassificationModel;
import java.util.ArrayList;
import org.apache.spark.ml.param.ParamMap;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Section 8: inference. The MLP model's {@code transform} on the cached test rows (predictions computed in batches
 * of {@code inferenceBatchSize} rows per forward pass, forced with Spark's no-op writer so no column is pruned)
 * against plain DL4J's {@code output} over the same rows in arrays. Each figure is the best of {@value #RUNS}.
 */
final class Inference {
  private static final int RUNS = 3;

  private Inference() {}

  static void run(BenchmarkContext ctx) {
    ctx.sparkMlp();
    NeuralClassificationModel model = ctx.sparkMlpModel;
    MnistData.Arrays2d test = ctx.data.testArrays();
    long rows = ctx.data.testRows;
    List<List<String>> table = new ArrayList<>();
    double spark = 0;
    for (int batch : new int[] {32, 1024}) {
      ctx.progress("inference: transform, batches of " + batch);
      NeuralClassificationModel m = model.copy(new ParamMap().put(model.inferenceBatchSize(), batch));
      double seconds = best(() -> m.transform(ctx.data.test).write().format("noop").mode("overwrite").save());
      if (batch == 1024) {
        spark = rows / seconds;
      }
      table.add(Report.row("spark-neural transform", ctx.settings.master() + ", batch " + batch,
          Report.seconds(seconds), Report.count(rows / seconds), "-"));
    }
    for (int threads : ctx.settings.plainThreads()) {
      ctx.progress("inference: plain DL4J output, " + threads + " thread(s)");
      double seconds = Nd4jThreads.with(threads, () -> {
        MultiLayerNetwork net = model.networkState().restoreForInference();
        try {
          return best(() -> plainOutput(net, test, 1024));
        } finally {
          NetworkMemory.release(net);
        }
      });
      double rate = rows / seconds;
      table.add(Report.row("plain DL4J output", threads + " thread(s), batch 1024", Report.seconds(seconds),
          Report.count(rate), Report.ratio(spark / rate)));
    }
    Report.Section section = ctx.report.section("8. Inference: transform() against plain DL4J")
        .table(Report.row("contender", "setting", "best s (of " + RUNS + ")", "rows/s",
            "spark-neural (batch 1024) / this"), table)
        .note(String.format(Locale.ROOT, "The seed MLP from section 1 on the %,d cached test rows. transform() "
            + "reads the vectors, runs the network once per inferenceBatchSize rows in each partition and appends "
            + "rawPrediction, probability and prediction; the plain loop only runs the network over arrays "
            + "already in memory.", rows));
    ctx.out.print(section.markdown());
  }

  private static double plainOutput(MultiLayerNetwork net, MnistData.Arrays2d data, int batch) {
    float sink = 0;
    int width = data.width();
    for (int start = 0; start < data.rows(); start += batch) {
      NativeMemoryGuard.check(); // as transform() does before each batch
      int n = Math.min(batch, data.rows() - start);
      float[] x = new float[n * width];
      System.arraycopy(data.features(), start * width, x, 0, n * width);
      INDArray out = net.output(Nd4j.createFromArray(x).reshape('c', n, width), false);
      sink += out.getFloat(0);
    }
    return sink;
  }

  private interface Body {
    void run();
  }

  private static double best(Body body) {
    body.run();
    double best = Double.MAX_VALUE;
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      body.run();
      best = Math.min(best, (System.nanoTime() - start) / 1e9);
    }
    return best;
  }

  private static double best(java.util.function.DoubleSupplier body) {
    return best(() -> {
      body.getAsDouble();
    });
  }
}
