package io.sparkneural.train;

import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Runs barrier jobs so that a failed one leaves none of its tasks running.
 *
 * <p>Why: Spark 3.5 kills the other tasks of a failed barrier stage when a task fails in the ordinary way, but not
 * when its failure is a fetch failure, as when the executor that held a shuffle's output is lost. Then the
 * DAGScheduler marks the stage finished first and aborts the job after, and aborting kills the tasks of running
 * stages only (DAGScheduler.handleTaskCompletion, case FetchFailed; cancelRunningIndependentStages). The other
 * tasks stay in their barrier wait, which nothing answers any more, each holding its executor's core, and the
 * epoch's next attempt waits for slots forever. Seen on a standalone cluster: an executor killed as an epoch's
 * stage started; the worker launched on its replacement found the shard's shuffle output gone.
 *
 * <p>Each job runs with a tag in a local property. A listener keeps the tagged jobs' running task ids; when a job
 * fails, the tasks still running are killed once the listener has seen the job's end, by which time it has seen
 * every start of the job's tasks.
 */
final class BarrierJobs extends SparkListener implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BarrierJobs.class);
    static final String PROPERTY = "io.sparkneural.barrierJob";
    /** How long a failed job's end may take to reach the listener bus. */
    private static final long END_WAIT_MS = 10_000;

    private final SparkContext sc;
    private final String prefix = UUID.randomUUID() + "-";
    private int next;
    private final Map<Integer, String> stageTags = new HashMap<>();
    private final Map<Integer, String> jobTags = new HashMap<>();
    private final Map<Long, String> running = new HashMap<>();
    private final Set<String> ended = new HashSet<>();

    BarrierJobs(SparkContext sc) {
        this.sc = sc;
        sc.addSparkListener(this);
    }

    /** Runs {@code job}, which submits one Spark job on this thread; when it throws, kills what it left running. */
    <T> T run(Supplier<T> job) {
        String tag;
        synchronized (this) {
            tag = prefix + next++;
        }
        String before = sc.getLocalProperty(PROPERTY);
        sc.setLocalProperty(PROPERTY, tag);
        try {
            return job.get();
        } catch (Exception e) { // Scala's SparkException, undeclared: the precise rethrow below compiles
            int killed = killLeftovers(tag);
            if (killed > 0) LOG.info("killed {} task(s) of the failed barrier job that were still running", killed);
            throw e;
        } finally {
            sc.setLocalProperty(PROPERTY, before);
            forget(tag);
        }
    }

    private int killLeftovers(String tag) {
        List<Long> tasks;
        synchronized (this) {
            long end = System.nanoTime() + END_WAIT_MS * 1_000_000;
            while (!ended.contains(tag) && System.nanoTime() < end) {
                try {
                    wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            tasks = running.entrySet().stream().filter(t -> t.getValue().equals(tag)).map(Map.Entry::getKey).toList();
        }
        int killed = 0;
        for (long task : tasks) {
            // without interrupting the thread: the barrier and exchange waits look for the kill every second or
            // sooner, and an interrupt could land in ND4J or the shuffle's I/O instead
            if (sc.killTaskAttempt(task, false, "its barrier job failed and the epoch runs again")) killed++;
        }
        return killed;
    }

    private synchronized void forget(String tag) {
        ended.remove(tag);
        stageTags.values().removeIf(tag::equals);
        jobTags.values().removeIf(tag::equals);
        // a killed task's end comes later and finds no entry; one that never ends is not ours to track any more
        running.values().removeIf(tag::equals);
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart start) {
        String tag = start.properties() == null ? null : start.properties().getProperty(PROPERTY);
        if (tag == null || !tag.startsWith(prefix)) return;
        jobTags.put(start.jobId(), tag);
        scala.collection.Iterator<Object> stages = start.stageIds().iterator();
        while (stages.hasNext()) stageTags.put((Integer) stages.next(), tag);
    }

    @Override
    public synchronized void onTaskStart(SparkListenerTaskStart start) {
        String tag = stageTags.get(start.stageId());
        if (tag != null) running.put(start.taskInfo().taskId(), tag);
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        running.remove(end.taskInfo().taskId());
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd end) {
        String tag = jobTags.get(end.jobId());
        if (tag != null) {
            ended.add(tag);
            notifyAll();
        }
    }

    @Override
    public void close() {
        sc.removeSparkListener(this);
    }
}
