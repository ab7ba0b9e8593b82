package io.sparkneural.train;

import io.sparkneural.data.MinibatchArrays;
import io.sparkneural.network.NdArrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Rows of minibatches as flat float arrays, example after example ('c' order): what a training partition caches.
 *
 * <p>Why not ND4J's {@code DataSet}: serialized (Kryo or Java) a DataSet's arrays are written and read one element
 * at a time through ND4J's stream format, and re-cutting minibatches goes through several native ops per array;
 * a round spent more time there than fitting. Flat arrays serialize in bulk, are sized correctly by Spark's memory
 * accounting (the DataSet's data lives off-heap, invisible to it), and rows are regrouped by plain array copies.
 */
final class RowChunk implements Serializable {
    private static final long serialVersionUID = 1L;

    final int rows;
    private final long[] featureShape; // per example, without the leading example dimension
    private final long[] labelShape;
    private final float[] features;
    private final float[] labels;
    private final float[] featureMask; // null without masks; per example: timesteps
    private final float[] labelMask;
    private final long[] featureMaskShape;
    private final long[] labelMaskShape;

    private RowChunk(int rows, long[] featureShape, long[] labelShape, float[] features, float[] labels,
                     float[] featureMask, float[] labelMask, long[] featureMaskShape, long[] labelMaskShape) {
        this.rows = rows;
        this.featureShape = featureShape;
        this.labelShape = labelShape;
        this.features = features;
        this.labels = labels;
        this.featureMask = featureMask;
        this.labelMask = labelMask;
        this.featureMaskShape = featureMaskShape;
        this.labelMaskShape = labelMaskShape;
    }

    /** One minibatch's rows. */
    static RowChunk of(MinibatchArrays m) {
        return new RowChunk(m.rows(), perExample(m.featureShape()), perExample(m.labelShape()), m.features(), m.labels(),
                m.featureMask(), m.labelMask(), m.featureMask() == null ? null : new long[]{m.featureMask().length / m.rows()},
                m.labelMask() == null ? null : new long[]{m.labelMask().length / m.rows()});
    }

    /** The rows of several chunks of the same shapes, in order. */
    static RowChunk concat(List<RowChunk> parts) {
        if (parts.isEmpty()) return null;
        RowChunk first = parts.get(0);
        int n = 0;
        for (RowChunk p : parts) n += p.rows;
        return new RowChunk(n, first.featureShape, first.labelShape, join(parts, c -> c.features),
                join(parts, c -> c.labels), first.featureMask == null ? null : join(parts, c -> c.featureMask),
                first.labelMask == null ? null : join(parts, c -> c.labelMask), first.featureMaskShape,
                first.labelMaskShape);
    }

    /**
     * The rows cut into minibatches of at most {@code batchSize}, in a random order when {@code random} is given,
     * else in stored order.
     */
    List<DataSet> minibatches(int batchSize, Random random) {
        int[] order = order(random);
        List<DataSet> batches = new ArrayList<>((rows + batchSize - 1) / batchSize);
        for (int start = 0; start < rows; start += batchSize) {
            int[] picked = Arrays.copyOfRange(order, start, Math.min(rows, start + batchSize));
            batches.add(new DataSet(gather(features, featureShape, picked), gather(labels, labelShape, picked),
                    featureMask == null ? null : gather(featureMask, featureMaskShape, picked),
                    labelMask == null ? null : gather(labelMask, labelMaskShape, picked)));
        }
        return batches;
    }

    /**
     * As {@link #minibatches(int, Random)}, but each minibatch is written into {@code reuse}'s arrays, so the same
     * arrays come back for every minibatch of a size: a minibatch is valid until the next one is asked for.
     *
     * <p>Why: a worker fits each minibatch once and drops it. Fresh arrays cost a native allocation each, freed only
     * when the garbage collector finds them; on the 2-core test machine the allocations' page faults made cutting a
     * round's minibatches take 16 to 447 ms an epoch of the section 1b MLP (the same work), and slowed the other
     * worker's training too.
     */
    Iterator<DataSet> minibatches(int batchSize, Random random, Reuse reuse) {
        int[] order = order(random);
        return new Iterator<>() {
            private int start;

            @Override
            public boolean hasNext() {
                return start < rows;
            }

            @Override
            public DataSet next() {
                if (!hasNext()) throw new java.util.NoSuchElementException();
                int end = Math.min(rows, start + batchSize);
                DataSet ds = new DataSet(reuse.fill(0, features, featureShape, order, start, end),
                        reuse.fill(1, labels, labelShape, order, start, end),
                        featureMask == null ? null : reuse.fill(2, featureMask, featureMaskShape, order, start, end),
                        labelMask == null ? null : reuse.fill(3, labelMask, labelMaskShape, order, start, end));
                start = end;
                return ds;
            }
        };
    }

    /** One worker's minibatch arrays, by role (features, labels and their masks) and row count. */
    static final class Reuse {
        private final java.util.Map<Long, INDArray> arrays = new java.util.HashMap<>();

        private INDArray fill(int role, float[] source, long[] shape, int[] order, int start, int end) {
            int count = end - start;
            int width = source.length / order.length; // order holds one entry per row of the chunk
            long key = (long) count << 2 | role;
            INDArray out = arrays.get(key);
            if (out == null || out.length() != (long) count * width) {
                out = gather(source, shape, Arrays.copyOfRange(order, start, end), width);
                // off the CPU backend the array is not host memory to write into: a fresh one every time
                if (NdArrays.inPlace(out)) arrays.put(key, out);
                return out;
            }
            java.nio.FloatBuffer memory = NdArrays.buffer(out);
            for (int i = 0; i < count; i++) memory.put(i * width, source, order[start + i] * width, width);
            return out;
        }
    }

    private int[] order(Random random) {
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) order[i] = i;
        if (random != null) {
            for (int i = rows - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    private INDArray gather(float[] source, long[] shape, int[] picked) {
        return gather(source, shape, picked, source.length / rows);
    }

    private static INDArray gather(float[] source, long[] shape, int[] picked, int width) {
        float[] out = new float[picked.length * width];
        for (int i = 0; i < picked.length; i++) System.arraycopy(source, picked[i] * width, out, i * width, width);
        long[] full = new long[shape.length + 1];
        full[0] = picked.length;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return NdArrays.floats(out, full);
    }

    private static long[] perExample(long[] shape) {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    private static float[] join(List<RowChunk> parts, java.util.function.Function<RowChunk, float[]> field) {
        int length = 0;
        for (RowChunk p : parts) length += field.apply(p).length;
        float[] out = new float[length];
        int at = 0;
        for (RowChunk p : parts) {
            float[] f = field.apply(p);
            System.arraycopy(f, 0, out, at, f.length);
            at += f.length;
        }
        return out;
    }
}
