package io.sparkneural.spec;

/**
 * A height x width pair, for kernels, strides and pool windows: written {@code 3x5}, or {@code 3} when
 * square (Keras' {@code kernel_size=3}). Always written back as {@code HxW}.
 *
 * @param height rows, at least 1
 * @param width columns, at least 1
 */
record Size2d(int height, int width) {

    static final Size2d ONE = new Size2d(1, 1);

    /** @param what the argument in messages, e.g. "conv2d kernel": "conv2d kernel height must be ..." */
    static Size2d of(String what, int height, int width) {
        NumberRule.POSITIVE_INT.require(what + " height", height);
        NumberRule.POSITIVE_INT.require(what + " width", width);
        return new Size2d(height, width);
    }

    /** {@code 3x5}. */
    String toText() {
        return height + "x" + width;
    }

    /** Reads {@code 3} (square) or {@code 3x5}; both sides positive. */
    static Size2d read(Value value, String what) {
        if (value instanceof Value.Number number && NumberRule.POSITIVE_INT.allows(number.value())) {
            int side = (int) number.value();
            return new Size2d(side, side);
        }
        if (value instanceof Value.Size size && size.dimensions().size() == 2
                && size.dimensions().get(0) >= 1 && size.dimensions().get(1) >= 1) {
            return new Size2d(size.dimensions().get(0), size.dimensions().get(1));
        }
        throw value.at().error(what + " must be a positive integer or height x width such as 3 or 3x5, but got "
                + value.text());
    }
}
