package io.sparkneural.benchmark;

import io.sparkneural.network.HostBlas;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A training step's matrix multiplies timed alone, on one thread, at the network's own shapes: how fast the step
 * could be if nothing but its GEMMs took time. Small products run far below the large-matrix peak of section 5, so
 * this, not that peak, is the ceiling a network's layers can reach. They are timed through {@link HostBlas}, the call
 * DenseStack and GemmConvolution make: {@code Nd4j.gemm}'s op dispatch would outweigh a per-example product.
 */
final class GemmTiming {
  private static final int BLOCKS = 5;
  private static final double BLOCK_SECONDS = 0.02;

  private GemmTiming() {}

  /** Seconds one step's products take on one thread, each the best of {@value #BLOCKS} timed blocks. */
  static double secondsPerStep(List<FlopCounter.Gemm> gemms) {
    return Nd4jThreads.with(1, () -> {
      double total = 0;
      for (FlopCounter.Gemm g : gemms) {
        total += bestSeconds(g) * g.times();
      }
      return total;
    });
  }

  /** {@code c = op(a) x op(b)}, row-major, as the layers call it. */
  private static void multiply(FlopCounter.Gemm g, INDArray a, INDArray b, INDArray c) {
    HostBlas.gemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), HostBlas.at(a, 0), (int) a.size(1), HostBlas.at(b, 0),
        (int) b.size(1), 0f, HostBlas.at(c, 0), g.n());
  }

  private static double bestSeconds(FlopCounter.Gemm g) {
    INDArray a = g.transA() ? Nd4j.rand(DataType.FLOAT, g.k(), g.m()) : Nd4j.rand(DataType.FLOAT, g.m(), g.k());
    INDArray b = g.transB() ? Nd4j.rand(DataType.FLOAT, g.n(), g.k()) : Nd4j.rand(DataType.FLOAT, g.k(), g.n());
    INDArray c = Nd4j.create(DataType.FLOAT, g.m(), g.n());
    try {
      long start = System.nanoTime();
      multiply(g, a, b, c); // warm-up, and a first estimate of a call's time
      double once = Math.max((System.nanoTime() - start) / 1e9, 1e-6);
      int calls = (int) Math.max(3, Math.min(100_000, BLOCK_SECONDS / once));
      double best = Double.MAX_VALUE;
      for (int block = 0; block < BLOCKS; block++) {
        long t = System.nanoTime();
        for (int i = 0; i < calls; i++) {
          multiply(g, a, b, c);
        }
        best = Math.min(best, (System.nanoTime() - t) / 1e9 / calls);
      }
      return best;
    } finally {
      a.close();
      b.close();
      c.close();
    }
  }
}
