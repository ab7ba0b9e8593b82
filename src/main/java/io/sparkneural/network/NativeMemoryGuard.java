package io.sparkneural.network;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.Pointer;

/**
 * Keeps the process's resident memory under a cap by forcing garbage collections when it grows past it, checked
 * between minibatches instead of at every native allocation.
 *
 * <p>Why a guard at all: ND4J's arrays live outside the Java heap and are freed only when the GC collects their
 * Java objects, which are small; a JVM whose heap is not under pressure grows its resident memory with dropped
 * arrays (a probe: 2,000 dropped 4 MB arrays grew a 2 GB-heap JVM to 4.9 GB resident; one collection brought it
 * back to 0.1 GB). JavaCPP's {@code maxbytes} does not count ND4J M2.1's arrays (a probe held 1.6 GB of them under
 * {@code maxbytes=1G}), so a resident-size cap is the only guard.
 *
 * <p>Why not JavaCPP's own cap, {@code -Dorg.bytedeco.javacpp.maxphysicalbytes}: it reads {@code /proc/self/statm}
 * at every native allocation, and ND4J makes several per op: 23% of the seed MLP's training time on the AMD EPYC
 * machine (JFR), and the MLP trains 1.5x as fast without it. This guard reads the resident size at most once per
 * {@value #INTERVAL_MILLIS} ms from the places that make arrays in bulk (each training minibatch, each inference
 * and evaluation batch), so what can grow unchecked is a few minibatches' arrays.
 *
 * <p>The cap is {@value #PROPERTY} (a JVM system property, JavaCPP's syntax: {@code 8G}, {@code 7000m}, bytes) when
 * set, otherwise JavaCPP's {@code maxphysicalbytes}; 0 turns the guard off.
 */
public final class NativeMemoryGuard {
    /** The JVM system property that sets the cap. */
    public static final String PROPERTY = "io.sparkneural.maxphysicalbytes";
    static final long INTERVAL_MILLIS = 10;
    // as JavaCPP's cap: up to 10 collections, 100 ms apart for ND4J's deallocator threads to free what they found,
    // each followed by a trim
    private static final int COLLECTIONS = 10;
    private static final long WAIT_MILLIS = 100;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NativeMemoryGuard.class);
    private static final long LIMIT = parseLimit(System.getProperty(PROPERTY), Pointer.maxPhysicalBytes());
    private static final java.lang.reflect.Method TRIM = trimMethod();
    private static final AtomicLong FORCED = new AtomicLong();
    private static final AtomicLong CALLS = new AtomicLong();
    private static volatile long lastCheck = System.nanoTime() - INTERVAL_MILLIS * 1_000_000;

    private NativeMemoryGuard() {}

    /** The cap in bytes; 0 when the guard is off. */
    public static long limit() {
        return LIMIT;
    }

    /** Garbage collections this JVM's guard has forced so far. */
    public static long forcedCollections() {
        return FORCED.get();
    }

    /** Calls of {@link #check} in this JVM so far (tests see that every training and inference path checks). */
    public static long checks() {
        return CALLS.get();
    }

    /**
     * Collects garbage when the process is above the cap; cheap when called often (one clock read, and one read of
     * the resident size per {@value #INTERVAL_MILLIS} ms).
     *
     * @throws IllegalStateException when the process stays above the cap after the collections, naming the setting
     */
    public static void check() {
        CALLS.incrementAndGet();
        if (LIMIT <= 0) return;
        long now = System.nanoTime();
        if (now - lastCheck < INTERVAL_MILLIS * 1_000_000) return;
        lastCheck = now;
        enforce(LIMIT);
    }

    static void enforce(long limit) {
        if (Pointer.physicalBytesInaccurate(limit) <= limit) return;
        long resident;
        // one thread collects at a time; the others wait for it and then see the memory it freed
        synchronized (NativeMemoryGuard.class) {
            resident = Pointer.physicalBytes();
            if (resident > limit) {
                LOG.warn("this JVM uses {} MiB, above {}={} MiB: collecting garbage to free ND4J's dropped arrays",
                        resident >> 20, PROPERTY, limit >> 20);
            }
            for (int i = 0; i < COLLECTIONS && resident > limit; i++) {
                FORCED.incrementAndGet();
                System.gc();
                try {
                    Thread.sleep(WAIT_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                trimMemory();
                resident = Pointer.physicalBytes();
            }
        }
        if (resident > limit) {
            throw new IllegalStateException(String.format(Locale.ROOT, "Out of memory: this JVM uses %d MiB "
                    + "(resident: Java heap plus ND4J's off-heap arrays), above %s=%d MiB, after %d garbage "
                    + "collections; raise -D%s (and the executor's spark.executor.memoryOverhead with it), or lower "
                    + "batchSize or the workers per executor", resident >> 20, PROPERTY, limit >> 20, COLLECTIONS,
                    PROPERTY));
        }
    }

    /**
     * Hands memory that was freed back to the OS: glibc keeps freed blocks in its per-thread arenas, so without this a
     * collection frees ND4J's arrays but not the resident size (a probe of 48,000 dropped 100 KB arrays on 4 threads:
     * 4,982 MiB resident, 4,809 MiB after a collection, 2,368 MiB after the trim). JavaCPP's own cap does the same
     * with its private {@code Pointer.trimMemory()} ({@code malloc_trim(0)}).
     */
    private static void trimMemory() {
        if (TRIM == null) return;
        try {
            TRIM.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("Pointer.trimMemory failed", e);
        }
    }

    private static java.lang.reflect.Method trimMethod() {
        try {
            java.lang.reflect.Method m = Pointer.class.getDeclaredMethod("trimMemory");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // another JavaCPP version: collections alone
        }
    }

    /** {@code value} in JavaCPP's syntax, or {@code fallback} when null. */
    static long parseLimit(String value, long fallback) {
        if (value == null || value.isBlank()) return fallback;
        try {
            return Pointer.parseBytes(value.trim(), Pointer.totalPhysicalBytes());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + " is not a size; expected bytes, or a "
                    + "number with k, m, g or t (8G, 7000m), or a percentage of physical memory (80%)", e);
        }
    }
}
