package io.sparkneural.network;

/**
 * A per-thread float array that grows to the largest size asked for and is then reused: training runs the same shapes
 * every step, so the loops of {@link GemmConvolution} and {@link MaxPooling} allocate nothing after the first one.
 */
final class HeapScratch {
    private final ThreadLocal<float[]> arrays = ThreadLocal.withInitial(() -> new float[0]);
    private final String what;

    /** @param what what the arrays hold, for the error when a size passes Java's array limit */
    HeapScratch(String what) {
        this.what = what;
    }

    /** This thread's array, at least {@code size} long; its contents are whatever the last user left. */
    float[] get(long size) {
        if (size > Integer.MAX_VALUE - 8) throw new IllegalStateException(what + " buffer of " + size + " floats");
        float[] a = arrays.get();
        if (a.length < size) {
            a = new float[(int) size];
            arrays.set(a);
        }
        return a;
    }
}
