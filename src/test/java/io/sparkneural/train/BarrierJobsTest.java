package io.sparkneural.train;

import io.sparkneural.SparkTestBase;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.HashPartitioner;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.shuffle.MetadataFetchFailedException;
import org.junit.jupiter.api.Test;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.*;

class BarrierJobsTest extends SparkTestBase {
    /** Two partitions behind a shuffle, so that a task can report that shuffle's output lost. */
    private static JavaPairRDD<Integer, Integer> shuffled(JavaSparkContext sc) {
        return sc.parallelize(List.of(1, 2, 3, 4), 2).mapToPair(i -> new Tuple2<>(i, i))
                .partitionBy(new HashPartitioner(2));
    }

    /**
     * Partition 0's task fails, with a fetch failure of the given shuffle or an ordinary exception; partition 1's
     * waits at the barrier for it, which never comes.
     */
    private static final class OneFails extends AbstractFunction1<scala.collection.Iterator<Tuple2<Integer, Integer>>,
            scala.collection.Iterator<Integer>> implements Serializable {
        private final int shuffleId;

        OneFails(int shuffleId) {
            this.shuffleId = shuffleId;
        }

        @Override
        public scala.collection.Iterator<Integer> apply(scala.collection.Iterator<Tuple2<Integer, Integer>> rows) {
            BarrierTaskContext context = BarrierTaskContext.get();
            if (context.partitionId() == 0) {
                if (shuffleId < 0) throw new IllegalStateException("an ordinary failure");
                throw BarrierJobsTest.<RuntimeException>sneaky(new MetadataFetchFailedException(shuffleId, 0,
                        "test: the output of map 0 went with its executor"));
            }
            context.barrier();
            return JavaConverters.asScalaIterator(List.of(1).iterator());
        }
    }

    /** Every partition meets the others at the barrier and returns its row count. */
    private static final class AllMeet extends AbstractFunction1<scala.collection.Iterator<Tuple2<Integer, Integer>>,
            scala.collection.Iterator<Integer>> implements Serializable {
        @Override
        public scala.collection.Iterator<Integer> apply(scala.collection.Iterator<Tuple2<Integer, Integer>> rows) {
            BarrierTaskContext.get().barrier();
            return JavaConverters.asScalaIterator(List.of(rows.size()).iterator());
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable e) throws E {
        throw (E) e;
    }

    private static JavaRDD<Integer> barrier(JavaPairRDD<Integer, Integer> rdd,
                                            AbstractFunction1<scala.collection.Iterator<Tuple2<Integer, Integer>>,
                                                    scala.collection.Iterator<Integer>> f) {
        return new JavaRDD<>(rdd.rdd().barrier().mapPartitions(f, false, ClassTag$.MODULE$.apply(Integer.class)),
                ClassTag$.MODULE$.apply(Integer.class));
    }

    /**
     * A two-task barrier job runs: both of local[2]'s slots are free, so no task of the failed job still waits at
     * its barrier (one that did would hold a slot for good, and this job would wait for it).
     */
    private static void bothSlotsAreFree(JavaPairRDD<Integer, Integer> rdd) throws Exception {
        JavaFutureAction<List<Integer>> next = barrier(rdd, new AllMeet()).collectAsync();
        try {
            assertEquals(List.of(2, 2), next.get(30, TimeUnit.SECONDS));
        } catch (TimeoutException e) {
            next.cancel(true);
            fail("a task of the failed job still holds a slot: the next barrier job got none in 30 s");
        }
    }

    @Test
    void aFetchFailureLeavesNoTaskWaitingAtTheBarrier() throws Exception {
        SparkContext sc = spark.sparkContext();
        JavaPairRDD<Integer, Integer> rdd = shuffled(JavaSparkContext.fromSparkContext(sc));
        int shuffleId = ((ShuffleDependency<?, ?, ?>) rdd.rdd().dependencies().head()).shuffleId();
        try (BarrierJobs jobs = new BarrierJobs(sc)) {
            SparkException failed = assertThrows(SparkException.class,
                    () -> jobs.collect(barrier(rdd, new OneFails(shuffleId))));
            assertTrue(failed.getMessage().contains("Could not recover from a failed barrier ResultStage"),
                    failed.getMessage());
            assertNull(sc.getLocalProperty(BarrierJobs.PROPERTY), "the job's tag stays on the thread");
            // Spark itself leaves partition 1's task waiting: its stage was marked finished before the abort
            bothSlotsAreFree(rdd);
            assertEquals(List.of(2, 2), jobs.collect(barrier(rdd, new AllMeet())));
        }
    }

    @Test
    void anOrdinaryFailureIsRethrownAsItCame() throws Exception {
        SparkContext sc = spark.sparkContext();
        JavaPairRDD<Integer, Integer> rdd = shuffled(JavaSparkContext.fromSparkContext(sc));
        try (BarrierJobs jobs = new BarrierJobs(sc)) {
            SparkException failed = assertThrows(SparkException.class,
                    () -> jobs.collect(barrier(rdd, new OneFails(-1))));
            assertTrue(failed.getMessage().contains("an ordinary failure"), failed.getMessage());
            bothSlotsAreFree(rdd);
        }
    }
}
