package io.sparkneural.benchmark;

import java.util.function.Supplier;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's thread counts: its own parallel loops ({@code Environment.maxThreads}) and the BLAS library's. In local
 * mode Spark's workers share the driver's process, so these settings apply to every worker as well.
 */
final class Nd4jThreads {
  private Nd4jThreads() {}

  /** ND4J's thread count for its own loops. */
  static int current() {
    return Nd4j.getEnvironment().maxThreads();
  }

  /** The BLAS library's thread count. */
  static int blas() {
    return Nd4j.factory().blas().getMaxThreads();
  }

  /** Runs {@code body} with both thread counts set to {@code threads}, then restores them. */
  static <T> T with(int threads, Supplier<T> body) {
    int own = current();
    int blas = blas();
    set(threads, threads);
    try {
      return body.get();
    } finally {
      set(own, blas);
    }
  }

  private static void set(int own, int blas) {
    Nd4j.getEnvironment().setMaxThreads(own);
    Nd4j.getEnvironment().setMaxMasterThreads(own);
    Nd4j.factory().blas().setMaxThreads(blas);
  }

  /** E.g. "ND4J threads 1, BLAS threads 1 (OPENBLAS), OMP_NUM_THREADS=1". */
  static String describe() {
    String omp = System.getenv("OMP_NUM_THREADS");
    return "ND4J threads " + current() + ", BLAS threads " + blas() + " (" + Nd4j.factory().blas().getBlasVendor()
        + "), OMP_NUM_THREADS=" + (omp == null ? "unset" : omp);
  }
}
