package io.sparkneural.benchmark;

/**
 * Collects the garbage earlier contenders left before a timed run starts.
 *
 * <p>Why: in one JVM a run inherits the heap its predecessors left. In the GC log of the full run of 2026-12-05
 * 06:39, DL4J's own layers (section 1's last plain row) grew the old generation from 1.6 to 2.8 GB with young
 * pauses of 150-240 ms a second; a concurrent marking cycle and a 306 ms remark pause then fell in the window of
 * the next run, spark-neural's second of the seed MLP, and its three runs measured 80,420, 150,434 and 203,691
 * samples/s where plain DL4J's measured 135,808-138,299. Concurrent GC threads take a core from a two-worker run
 * but find the second core idle beside a one-thread run, so the leftovers bias the comparison too. A full
 * collection before each run ends any marking cycle and empties the young generation: every contender starts
 * from the same quiet heap and pays only for its own garbage.
 */
final class HeapSettling {
  private HeapSettling() {}

  /** A full collection, then a moment for the collector's and ND4J's deallocator threads to finish. */
  static void settle() {
    System.gc();
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
