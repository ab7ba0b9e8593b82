package io.sparkneural.train;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * Runs barrier jobs, one at a time, so that a failed one leaves none of its tasks running.
 *
 * <p>Why: Spark 3.5 kills the other tasks of a failed barrier stage when a task fails in the ordinary way, but not
 * when its failure is a fetch failure, as when the executor that held a shuffle's output is lost. Then the
 * DAGScheduler marks the stage finished first and aborts the job after, and aborting kills the tasks of running
 * stages only (DAGScheduler.handleTaskCompletion, case FetchFailed; cancelRunningIndependentStages). The other
 * tasks stay in their barrier wait, which nothing answers any more, each holding its executor's core, and the
 * epoch's next attempt waits for slots forever. Seen on a standalone cluster: an executor killed as an epoch's
 * stage started; the worker launched on its replacement found the shard's shuffle output gone.
 *
 * <p>The job runs with a tag in a local property, so the listener knows its start among other jobs' events. The
 * listener keeps the running task ids of the job's result stage (its barrier stage; a shuffle map stage before it
 * may be shared with other jobs). When the job fails, the tasks still running are killed once the listener has
 * seen the job's end: the scheduler posts every task start of a job before its end.
 */
final class BarrierJobs extends SparkListener implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BarrierJobs.class);
    static final String PROPERTY = "io.sparkneural.barrierJob";
    /** How long a failed job's end may take to reach the listener. */
    private static final long END_WAIT_MS = 10_000;

    private final SparkContext sc;
    private final String prefix = UUID.randomUUID() + "-";
    private int next;
    // the job being run: its tag, and what the listener has seen of it
    private String current;
    private int job = -1;
    private int resultStage = -1;
    private final Set<Long> running = new HashSet<>();
    private boolean ended;

    BarrierJobs(SparkContext sc) {
        this.sc = sc;
        sc.addSparkListener(this);
    }

    /**
     * {@code rdd.collect()}, and when its job fails, kills the job's tasks still running and throws what
     * {@code collect()} would have (Scala's SparkException, undeclared).
     */
    <T> List<T> collect(JavaRDD<T> rdd) {
        String tag;
        synchronized (this) {
            tag = prefix + next++;
            current = tag;
            job = -1;
            resultStage = -1;
            running.clear();
            ended = false;
        }
        String before = sc.getLocalProperty(PROPERTY);
        sc.setLocalProperty(PROPERTY, tag);
        try {
            // a job that cannot be submitted throws here, before there is anything to kill
            JavaFutureAction<List<T>> future = rdd.collectAsync();
            try {
                return future.get();
            } catch (ExecutionException e) {
                int killed = killLeftovers();
                if (killed > 0) LOG.info("killed {} task(s) of the failed barrier job that were still running", killed);
                throw BarrierJobs.<RuntimeException>sneaky(e.getCause());
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the barrier job ran", e);
            }
        } finally {
            sc.setLocalProperty(PROPERTY, before);
            synchronized (this) {
                current = null;
                running.clear();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable e) throws E {
        throw (E) e;
    }

    private int killLeftovers() {
        List<Long> tasks;
        synchronized (this) {
            long end = System.nanoTime() + END_WAIT_MS * 1_000_000;
            while (!ended && System.nanoTime() < end) {
                try {
                    wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            tasks = List.copyOf(running);
        }
        int killed = 0;
        for (long task : tasks) {
            // without interrupting the thread: the barrier and exchange waits look for the kill every second or
            // sooner, and an interrupt could land in ND4J or the shuffle's I/O instead
            if (sc.killTaskAttempt(task, false, "its barrier job failed and the epoch runs again")) killed++;
        }
        return killed;
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart start) {
        String tag = start.properties() == null ? null : start.properties().getProperty(PROPERTY);
        if (tag == null || !tag.equals(current)) return;
        job = start.jobId();
        // the result stage is created after its parents, so it has the job's highest stage id
        scala.collection.Iterator<Object> stages = start.stageIds().iterator();
        while (stages.hasNext()) resultStage = Math.max(resultStage, (Integer) stages.next());
    }

    @Override
    public synchronized void onTaskStart(SparkListenerTaskStart start) {
        if (current != null && start.stageId() == resultStage) running.add(start.taskInfo().taskId());
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        running.remove(end.taskInfo().taskId());
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd end) {
        if (current != null && end.jobId() == job) {
            ended = true;
            notifyAll();
        }
    }

    @Override
    public void close() {
        sc.removeSparkListener(this);
    }
}
