package io.sparkneural.train;

import org.apache.spark.BarrierTaskContext;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code BarrierTaskContext.allGather} without its one-second steps.
 *
 * <p>Why: Spark 3.5 waits for the barrier's reply in a loop of {@code Thread.sleep(1000)} followed by a check for
 * the reply and for a kill (BarrierTaskContext.runBarrier), so every exchange took about a second although the
 * reply came in milliseconds: 0.9 s per averaging round on the seed MLP. While a worker waits inside that sleep,
 * a helper thread interrupts it every {@value #POLL_MILLIS} ms; Spark's loop treats an interrupt without a kill
 * request as a wake-up, checks the reply and sleeps again. Only a thread parked in {@code Thread.sleep} is
 * interrupted, never one sending, and the flag is cleared before the worker goes on, so no interrupt leaks into
 * ND4J or I/O.
 */
final class BarrierSync {
    static final long POLL_MILLIS = 2;

    private static final ScheduledExecutorService WAKER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "spark-neural-barrier-waker");
        t.setDaemon(true);
        return t;
    });

    private BarrierSync() {}

    /** Every task's message, in partition order. */
    static String[] allGather(BarrierTaskContext context, String message) {
        Thread worker = Thread.currentThread();
        Object lock = new Object();
        boolean[] waiting = {true};
        ScheduledFuture<?> waker = WAKER.scheduleAtFixedRate(() -> {
            synchronized (lock) {
                if (waiting[0] && worker.getState() == Thread.State.TIMED_WAITING && inSleep(worker)) worker.interrupt();
            }
        }, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        try {
            return context.allGather(message);
        } finally {
            synchronized (lock) {
                waiting[0] = false;
            }
            waker.cancel(false);
            Thread.interrupted(); // a wake-up that arrived after the reply
        }
    }

    private static boolean inSleep(Thread thread) {
        StackTraceElement[] stack = thread.getStackTrace();
        for (int i = 0; i < Math.min(3, stack.length); i++) {
            if (stack[i].getClassName().equals("java.lang.Thread") && stack[i].getMethodName().startsWith("sleep")) {
                return true;
            }
        }
        return false;
    }
}
