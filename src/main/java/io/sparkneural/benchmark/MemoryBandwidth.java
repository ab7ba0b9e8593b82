package io.sparkneural.benchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The other physical limit: how a pass over arrays (read two, write one, as a ReLU's, pooling's or im2col's pass over
 * a layer's activations does) scales from one core to all of them, by the size of what each thread touches.
 *
 * <p>Why: the sgemm peak scales about 1.9x from one thread to two here, yet two threads running the seed CNN's
 * training step side by side (section 4b) reach less: in JFR profiles of 3,000 steps alone and side by side, the
 * passes between the products (im2col's patch rows, pooling, the channels-last copies) took 20-50% longer per step
 * with a second training beside them. This table is the machine's part of that.
 */
final class MemoryBandwidth {
  /** Kilobytes each thread touches (its two arrays together), from inside a core's L2 to far beyond the L3. */
  private static final int[] WORKING_SETS_KB = {256, 1024, 4096, 16384, 65536};
  private static final long BYTES_PER_TRIAL = 2_000_000_000L;
  private static final int TRIALS = 3;
  private static final int MAX_THREADS = 8;

  private MemoryBandwidth() {}

  /** One working set's best GB/s on one thread alone and summed over every core at once. */
  record Measurement(int kilobytes, double alone, double together) {}

  /** Section 5d: the measurement and its table. */
  static void run(BenchmarkContext ctx) {
    // at most 8: each thread holds up to 64 MB of arrays on the benchmark's heap
    int cores = Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors());
    if (cores < 2) {
      return;
    }
    ctx.progress("memory bandwidth, 1 and " + cores + " threads");
    List<List<String>> rows = new ArrayList<>();
    for (Measurement m : measure(cores)) {
      rows.add(Report.row(m.kilobytes() >= 1024 ? m.kilobytes() / 1024 + " MB" : m.kilobytes() + " KB",
          Report.number(m.alone(), 1), Report.number(m.together(), 1),
          String.format(Locale.ROOT, "%.2fx", m.together() / m.alone())));
    }
    ctx.out.print(ctx.report.section("5d. The physical limit: memory bandwidth from one core to " + cores)
        .table(Report.row("arrays per thread", "GB/s, 1 thread", "GB/s, " + cores + " threads side by side",
            "scaling"), rows)
        .note("Each thread runs `b[i] = a[i] * s + b[i]` over its own two float arrays (12 bytes per element); "
            + "side by side, the threads' bytes together over the time from the first start to the last end; best of "
            + TRIALS + " trials of about " + BYTES_PER_TRIAL / 1_000_000_000L + " GB each, after a warm-up. Where each "
            + "core brings its own bandwidth every row scales as the sgemm peak does; a row that falls short is a size "
            + "at which a training step's passes beside its products (im2col's patch rows, pooling, activations, "
            + "Adam's step: a few MB each) slow down when a second worker runs beside it. This VM shares its host, "
            + "and what the second core adds varies from run to run; section 4b measures what two trainings side by "
            + "side reach.")
        .markdown());
  }

  static List<Measurement> measure(int cores) {
    ExecutorService pool = Executors.newFixedThreadPool(cores);
    try {
      List<Measurement> all = new ArrayList<>();
      for (int kb : WORKING_SETS_KB) {
        int n = kb * 1024 / 8;
        float[][] a = new float[cores][n];
        float[][] b = new float[cores][n];
        int passes = (int) Math.max(3, BYTES_PER_TRIAL / (12L * n));
        pass(a[0], b[0], Math.max(1, passes / 4)); // compiles the loop before the first timed trial
        double alone = 0;
        double together = 0;
        for (int t = 0; t < TRIALS; t++) {
          alone = Math.max(alone, sideBySide(pool, a, b, 1, passes));
          together = Math.max(together, sideBySide(pool, a, b, cores, passes));
        }
        all.add(new Measurement(kb, alone, together));
      }
      return all;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * GB/s of {@code threads} threads started together, each on its own arrays: all their bytes over the time from the
   * first start to the last end, so threads that do not overlap are not counted as if they had.
   */
  private static double sideBySide(ExecutorService pool, float[][] a, float[][] b, int threads, int passes) {
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<long[]>> spans = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      float[] x = a[i];
      float[] y = b[i];
      spans.add(pool.submit(() -> {
        ready.countDown();
        go.await();
        long start = System.nanoTime();
        pass(x, y, passes);
        return new long[]{start, System.nanoTime()};
      }));
    }
    try {
      ready.await();
      go.countDown();
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      for (Future<long[]> span : spans) {
        long[] startEnd = span.get();
        first = Math.min(first, startEnd[0]);
        last = Math.max(last, startEnd[1]);
      }
      return 12.0 * a[0].length * passes * threads / (last - first);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring memory bandwidth", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the memory bandwidth measurement failed: " + e.getCause(), e.getCause());
    }
  }

  /** {@code passes} passes over the arrays; the callers time them. */
  private static void pass(float[] a, float[] b, int passes) {
    for (int p = 0; p < passes; p++) {
      for (int i = 0; i < a.length; i++) {
        b[i] = a[i] * 1.0001f + b[i];
      }
    }
  }
}
