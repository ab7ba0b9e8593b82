package io.sparkneural.data;

import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;

/** Copies Spark vectors into flat row-major float buffers without a per-row array. */
public final class FeatureRows {
    private FeatureRows() {}

    /** Writes {@code v} at {@code dest[base ...]}. */
    private static void copyAt(Vector v, float[] dest, int base) {
        int width = v.size();
        if (v instanceof DenseVector d) {
            double[] values = d.values();
            for (int j = 0; j < width; j++) dest[base + j] = (float) values[j];
        } else {
            SparseVector s = (SparseVector) v;
            java.util.Arrays.fill(dest, base, base + width, 0f);
            int[] idx = s.indices();
            double[] values = s.values();
            for (int k = 0; k < idx.length; k++) dest[base + idx[k]] = (float) values[k];
        }
    }

    /**
     * Writes {@code v} into example {@code row} of {@code dest} in DL4J's order for {@code layout}. A sequence
     * shorter than the layout's timesteps fills the first timesteps; the rest of the example is left as it is
     * (zero in a fresh buffer), to be masked.
     */
    public static void copy(Vector v, float[] dest, int row, io.sparkneural.network.ExampleLayout layout) {
        if (!layout.reorders()) {
            copyAt(v, dest, row * layout.size());
            if (v.size() < layout.size()) {
                java.util.Arrays.fill(dest, row * layout.size() + v.size(), (row + 1) * layout.size(), 0f);
            }
            return;
        }
        int base = row * layout.size();
        if (v instanceof SparseVector s) {
            java.util.Arrays.fill(dest, base, base + layout.size(), 0f);
            int[] idx = s.indices();
            double[] values = s.values();
            for (int k = 0; k < idx.length; k++) dest[base + layout.position(idx[k])] = (float) values[k];
        } else {
            double[] values = ((DenseVector) v).values();
            for (int j = 0; j < values.length; j++) dest[base + layout.position(j)] = (float) values[j];
        }
    }

    /** Per-feature sums over the timesteps of a time-major sequence of {@code width} features per step. */
    public static void accumulateSteps(Vector v, int width, double[] sum, double[] sumSq) {
        double[] values = v.toArray();
        for (int j = 0; j < values.length; j++) {
            sum[j % width] += values[j];
            sumSq[j % width] += values[j] * values[j];
        }
    }

    /** Adds each value of {@code v} to {@code sum} and its square to {@code sumSq} (zeros of sparse vectors skipped). */
    public static void accumulate(Vector v, double[] sum, double[] sumSq) {
        if (v instanceof SparseVector s) {
            int[] idx = s.indices();
            double[] values = s.values();
            for (int k = 0; k < idx.length; k++) {
                sum[idx[k]] += values[k];
                sumSq[idx[k]] += values[k] * values[k];
            }
        } else {
            double[] values = ((DenseVector) v).values();
            for (int j = 0; j < values.length; j++) {
                sum[j] += values[j];
                sumSq[j] += values[j] * values[j];
            }
        }
    }

    /** Index of the first NaN or infinite value, or -1. */
    public static int firstNonFinite(Vector v) {
        double[] values = v instanceof SparseVector s ? s.values() : v.toArray();
        for (int k = 0; k < values.length; k++) {
            if (!Double.isFinite(values[k])) {
                return v instanceof SparseVector s ? s.indices()[k] : k;
            }
        }
        return -1;
    }
}
