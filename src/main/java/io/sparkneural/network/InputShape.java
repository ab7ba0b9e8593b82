package io.sparkneural.network;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The shape of one example as the user gives it: a flat vector ({@code 784}), an image
 * ({@code height,width,channels}, channels last as in Keras) or a sequence ({@code timesteps,features}).
 *
 * @param dims the sizes, 1 to 3 of them, each >= 1
 */
public record InputShape(int[] dims) implements Serializable {

    public InputShape {
        if (dims.length < 1 || dims.length > 3 || Arrays.stream(dims).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("inputShape must be 1 to 3 positive sizes (height,width,channels for images, "
                    + "timesteps,features for sequences), but got " + Arrays.toString(dims));
        }
        dims = dims.clone();
    }

    /**
     * Parses {@code "28,28,1"} or {@code "28x28x1"}; empty means "infer".
     *
     * @return null for an empty text
     * @throws IllegalArgumentException naming the Param and the text
     */
    public static InputShape parse(String text) {
        if (text == null || text.isBlank()) return null;
        String[] parts = text.trim().split("\\s*[,x]\\s*");
        int[] dims = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) dims[i] = Integer.parseInt(parts[i]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("inputShape must look like 28,28,1 (height,width,channels) or 20,4 "
                    + "(timesteps,features), but got '" + text + "'");
        }
        return new InputShape(dims);
    }

    public static InputShape flat(int size) {
        return new InputShape(new int[]{size});
    }

    public static InputShape image(int height, int width, int channels) {
        return new InputShape(new int[]{height, width, channels});
    }

    public static InputShape sequence(int timesteps, int features) {
        return new InputShape(new int[]{timesteps, features});
    }

    public boolean isImage() { return dims.length == 3; }
    public boolean isSequence() { return dims.length == 2; }
    public int height() { return dims[0]; }
    public int width() { return dims[1]; }
    public int channels() { return dims[2]; }
    public int timesteps() { return dims[0]; }
    public int features() { return dims[dims.length - 1]; }

    /** Values in one example. */
    public int size() {
        int n = 1;
        for (int d : dims) n *= d;
        return n;
    }

    /** "28x28x1", "20x4" or "784". */
    public String text() {
        return String.join("x", Arrays.stream(dims).mapToObj(String::valueOf).toArray(String[]::new));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputShape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return text();
    }
}
