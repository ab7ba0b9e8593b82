package io.sparkneural.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerPartitionerTest {

    private static int[] deal(int workers, int... minibatchesPerPartition) {
        AveragingRounds.WorkerPartitioner partitioner = new AveragingRounds.WorkerPartitioner(workers);
        int[] counts = new int[workers];
        for (int p = 0; p < minibatchesPerPartition.length; p++) {
            for (int j = 0; j < minibatchesPerPartition[p]; j++) {
                counts[partitioner.getPartition((long) p << 32 | j)]++;
            }
        }
        return counts;
    }

    private static int spread(int[] counts) {
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int c : counts) {
            min = Math.min(min, c);
            max = Math.max(max, c);
        }
        return max - min;
    }

    @Test
    void oddPartitionsTakeTurnsGivingTheExtraMinibatch() {
        assertEquals(0, spread(deal(2, 235, 235, 0, 0)));
        assertEquals(1, spread(deal(2, 235, 236)));
        assertEquals(0, spread(deal(2, 7, 7, 7, 7)));
        assertEquals(0, spread(deal(3, 4, 4, 4)));
    }

    @Test
    void oneMinibatchPerPartitionSpreadsOverTheWorkers() {
        int[] sizes = new int[200];
        java.util.Arrays.fill(sizes, 1);
        assertEquals(0, spread(deal(8, sizes)));
    }

    @Test
    void skewedPartitionsStillSplitEvenly() {
        int[] counts = deal(4, 1000, 3, 0, 17, 250);
        assertTrue(spread(counts) <= 2, java.util.Arrays.toString(counts));
    }

    @Test
    void oneWorkerTakesEverything() {
        assertEquals(42, deal(1, 20, 22)[0]);
    }
}
