package io.sparkneural.benchmark;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The physical reference: single-precision matrix multiply (sgemm) of two n x n matrices through ND4J, the best of
 * a few timed runs after a warm-up, counted as {@code 2 n^3} floating-point operations.
 */
final class GemmPeak {
  /**
   * One measurement.
   *
   * @param threads ND4J and BLAS threads
   * @param flopsPerSecond the best run's rate
   */
  record Measurement(int threads, int size, double flopsPerSecond, double bestSeconds) {}

  private static final int TIMED_RUNS = 3;

  private GemmPeak() {}

  /** Section 5, first half: measures the peak with one thread and with every core; the larger is the machine's. */
  static void run(BenchmarkContext ctx) {
    int cores = Runtime.getRuntime().availableProcessors();
    List<Integer> threads = cores > 1 ? List.of(1, cores) : List.of(1);
    ctx.progress("sgemm " + ctx.settings.gemmSize() + "x" + ctx.settings.gemmSize() + ", threads " + threads);
    List<Measurement> all = measure(ctx.settings.gemmSize(), threads);
    List<List<String>> rows = new ArrayList<>();
    for (Measurement m : all) {
      rows.add(Report.row(Integer.toString(m.threads()), m.size() + " x " + m.size(), Report.number(m.bestSeconds(), 3),
          Report.number(m.flopsPerSecond() / 1e9, 1)));
      ctx.peakFlopsPerSecond = Double.isNaN(ctx.peakFlopsPerSecond) ? m.flopsPerSecond()
          : Math.max(ctx.peakFlopsPerSecond, m.flopsPerSecond());
    }
    Report.Section section = ctx.report.section("5. The physical limit: sgemm peak through ND4J")
        .table(Report.row("threads", "matrices", "best s (of " + TIMED_RUNS + ")", "GFLOP/s"), rows)
        .note("FLOP = 2 n^3 per multiply, float32, after one warm-up multiply. The machine's peak, "
            + Report.number(ctx.peakFlopsPerSecond / 1e9, 1) + " GFLOP/s, is what each training run's achieved "
            + "FLOP/s (counted from its layer shapes, 3 x forward per example) is measured against.");
    ctx.out.print(section.markdown());
  }

  /** Measures the peak for each thread count. */
  static List<Measurement> measure(int size, List<Integer> threadCounts) {
    List<Measurement> all = new ArrayList<>();
    INDArray a = Nd4j.rand(DataType.FLOAT, size, size);
    INDArray b = Nd4j.rand(DataType.FLOAT, size, size);
    INDArray c = Nd4j.create(DataType.FLOAT, size, size);
    try {
      for (int threads : threadCounts) {
        all.add(Nd4jThreads.with(threads, () -> time(a, b, c, size, threads)));
      }
    } finally {
      a.close();
      b.close();
      c.close();
    }
    return all;
  }

  private static Measurement time(INDArray a, INDArray b, INDArray c, int size, int threads) {
    Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
    double best = Double.MAX_VALUE;
    for (int i = 0; i < TIMED_RUNS; i++) {
      long start = System.nanoTime();
      Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
      Nd4j.getExecutioner().commit();
      best = Math.min(best, (System.nanoTime() - start) / 1e9);
    }
    return new Measurement(threads, size, 2.0 * size * size * (double) size / best, best);
  }
}
