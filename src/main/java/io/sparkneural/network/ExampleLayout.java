package io.sparkneural.network;

import java.io.Serializable;

/**
 * Where each value of a user's example goes in the array DL4J reads. Users give images channels last
 * (height, width, channels, as Keras) and sequences time-major (timestep by timestep); DL4J reads images channels
 * first and sequences as [features, timesteps]. Flat vectors and one-channel images need no reordering.
 */
public final class ExampleLayout implements Serializable {
    private final InputShape shape;
    private final int[] target; // target[i] = DL4J position of the user's value i; null = same position

    public ExampleLayout(InputShape shape) {
        this.shape = shape;
        this.target = permutation(shape);
    }

    private static int[] permutation(InputShape s) {
        if (s.isImage() && s.channels() > 1) {
            int h = s.height(), w = s.width(), c = s.channels();
            int[] t = new int[s.size()];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int ch = 0; ch < c; ch++) t[(y * w + x) * c + ch] = ch * h * w + y * w + x;
            return t;
        }
        if (s.isSequence() && s.features() > 1) {
            int steps = s.timesteps(), f = s.features();
            int[] t = new int[s.size()];
            for (int step = 0; step < steps; step++)
                for (int k = 0; k < f; k++) t[step * f + k] = k * steps + step;
            return t;
        }
        return null;
    }

    public InputShape shape() {
        return shape;
    }

    /** Values per example. */
    public int size() {
        return shape.size();
    }

    /** DL4J position of the user's value {@code i}. */
    public int position(int i) {
        return target == null ? i : target[i];
    }

    /** Whether values need reordering at all. */
    public boolean reorders() {
        return target != null;
    }

    /** The shape of a batch of {@code n} examples as DL4J reads it: [n, features, timesteps] for sequences, else [n, size]. */
    public long[] batchShape(int n) {
        return shape.isSequence() ? new long[]{n, shape.features(), shape.timesteps()} : new long[]{n, shape.size()};
    }
}
