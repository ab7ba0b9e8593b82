package io.sparkneural.spec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The layers of a network, in order, as a user writes them:
 * {@code dense(64, relu) dropout(0.2) dense(10, softmax)}, or for images
 * {@code conv2d(32, 3x3, relu) maxpool2d(2x2) flatten dense(10, softmax)}, or for sequences
 * {@code lstm(64) dense(1, sigmoid)}. The input size is not part of the spec; it comes from the data.
 * The last layer is always dense: it is the output layer. Whether the layers fit each other's shapes
 * (a conv2d after an lstm) is checked where the network is built, not here.
 *
 * <p>Immutable and serializable; round-trips through {@link #toText()} and {@link #toJson()}.
 *
 * @param layers at least one; an unmodifiable copy is kept
 */
public record NetworkSpec(List<LayerSpec> layers) implements Serializable {

    static final String EMPTY =
            "the layer specification is empty: expected at least one layer such as dense(10, softmax)";

    /** @throws IllegalArgumentException for no layers, a null layer, or a last layer that is not dense */
    public NetworkSpec {
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException(EMPTY);
        }
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) == null) {
                throw new IllegalArgumentException("layer " + (i + 1) + " of " + layers.size() + " is null");
            }
        }
        layers = List.copyOf(layers);
        LayerSpec last = layers.get(layers.size() - 1);
        if (!(last instanceof DenseSpec)) {
            throw new IllegalArgumentException(notDenseOutput(last));
        }
    }

    /**
     * Reads the compact text form or, when the trimmed input starts with '[' or '{', the JSON form.
     *
     * <p>Text: layers separated by whitespace, newlines, ',' or '->'; each layer
     * {@code type(positional..., name=value...)}, or the bare type when it needs no arguments
     * ({@code flatten}); names in any case; numbers as 64, 0.2, 1e-4; sizes as 3 or 3x5.
     * JSON: {@code {"layers":[{"type":"dense","units":64,"activation":"relu"}, ...]}} or a bare array
     * of layer objects; fields left out take their defaults. The layers and their arguments (JSON
     * fields have the arguments' names):
     * <ul>
     * <li>{@code dense(units, activation=linear, l1=0, l2=0)}</li>
     * <li>{@code dropout(rate)}</li>
     * <li>{@code conv2d(filters, kernel, activation=linear, stride=1, padding=valid, l1=0, l2=0)}</li>
     * <li>{@code maxpool2d(size, stride=size, padding=valid)}, {@code avgpool2d(...)} likewise</li>
     * <li>{@code globalavgpool}, {@code globalmaxpool}, {@code flatten}</li>
     * <li>{@code batchnorm(momentum=0.99, epsilon=0.001)} (keywords only)</li>
     * <li>{@code lstm(units, activation=tanh, return_sequences=false)}, {@code simple_rnn(...)} likewise</li>
     * <li>{@code bidirectional(layer, merge_mode=concat)}, layer an lstm or simple_rnn; merge_mode
     * concat, sum, mul or ave</li>
     * <li>{@code embedding(vocab, dim)}</li>
     * </ul>
     * Keras' lower-cased class names (maxpooling2d, averagepooling2d, globalaveragepooling2d,
     * globalmaxpooling2d, batchnormalization, simplernn) are accepted too.
     *
     * @throws SpecParseException naming the problem and its line and column
     */
    public static NetworkSpec parse(String textOrJson) {
        String text = textOrJson == null ? "" : textOrJson;
        String trimmed = text.strip();
        List<Call> calls = trimmed.startsWith("[") || trimmed.startsWith("{")
                ? JsonSpecFormat.readLayers(text)
                : CallParser.parseSequence(text);
        if (calls.isEmpty()) {
            throw SpecParseException.empty(EMPTY);
        }
        List<LayerSpec> layers = new ArrayList<>();
        for (Call call : calls) {
            layers.add(LayerCatalog.LAYERS.build(call));
        }
        LayerSpec last = layers.get(layers.size() - 1);
        if (!(last instanceof DenseSpec)) {
            throw calls.get(calls.size() - 1).at().error(notDenseOutput(last));
        }
        return new NetworkSpec(layers);
    }

    /** A builder that checks each layer as it is added. */
    public static Builder builder() {
        return new Builder();
    }

    /** The compact text form, layers separated by a space; arguments at their default are left out. */
    public String toText() {
        List<String> texts = new ArrayList<>();
        for (LayerSpec layer : layers) {
            texts.add(layer.toText());
        }
        return String.join(" ", texts);
    }

    /** The JSON form, {@code {"layers":[...]}}, with every argument written out, defaults included. */
    public String toJson() {
        return JsonSpecFormat.writeLayers(layers);
    }

    /** The last layer, which produces the network's output. */
    public DenseSpec outputLayer() {
        return (DenseSpec) layers.get(layers.size() - 1);
    }

    /** Whether any layer works on images: conv2d, maxpool2d, avgpool2d, globalavgpool, globalmaxpool or flatten. */
    public boolean isConvolutional() {
        return layers.stream().anyMatch(layer -> layer instanceof Conv2dSpec || layer instanceof Pool2dSpec
                || layer instanceof GlobalPoolSpec || layer instanceof FlattenSpec);
    }

    /** Whether any layer works on sequences: lstm, simple_rnn, bidirectional or embedding. */
    public boolean isRecurrent() {
        return layers.stream().anyMatch(layer -> layer instanceof LstmSpec || layer instanceof SimpleRnnSpec
                || layer instanceof BidirectionalSpec || layer instanceof EmbeddingSpec);
    }

    private static String notDenseOutput(LayerSpec last) {
        return "the last layer must be dense(...) (the output layer), but was " + last.toText();
    }

    /**
     * Builds a {@link NetworkSpec} layer by layer:
     * {@code NetworkSpec.builder().dense(64, "relu").dropout(0.2).dense(10, "softmax").build()}, or
     * {@code NetworkSpec.builder().conv2d(32, 3, "relu").maxPool2d(2).flatten().dense(10, "softmax").build()}.
     * Each method throws {@link IllegalArgumentException} at once for an invalid layer. The methods cover the
     * common settings; {@link #add(LayerSpec)} takes any layer record for the rest (rectangular kernels,
     * pool strides, batchnorm settings, merge modes).
     */
    public static final class Builder {

        private final List<LayerSpec> layers = new ArrayList<>();

        private Builder() {}

        /** Adds a dense layer with the linear activation and no weight penalties. */
        public Builder dense(int units) {
            return add(new DenseSpec(units));
        }

        /**
         * Adds a dense layer without weight penalties.
         *
         * @param activation as in the text form: "relu", "leaky_relu(0.01)"
         */
        public Builder dense(int units, String activation) {
            return add(new DenseSpec(units, ActivationSpec.of(activation)));
        }

        /**
         * Adds a dense layer.
         *
         * @param activation as in the text form: "relu", "leaky_relu(0.01)"
         * @param l1 L1 weight penalty, >= 0 (0 for none)
         * @param l2 L2 weight penalty, >= 0 (0 for none)
         */
        public Builder dense(int units, String activation, double l1, double l2) {
            return add(new DenseSpec(units, ActivationSpec.of(activation), l1, l2));
        }

        /** Adds dropout; {@code rate} is the fraction dropped, in [0, 1). */
        public Builder dropout(double rate) {
            return add(new DropoutSpec(rate));
        }

        /**
         * Adds a 2-D convolution with a square kernel, stride 1, "valid" padding and no weight penalties:
         * {@code conv2d(filters, kernel x kernel, activation)}.
         *
         * @param filters output channels, at least 1
         * @param kernel kernel height and width in pixels, at least 1
         * @param activation as in the text form: "relu", "leaky_relu(0.01)"; "linear" for none (Keras' default)
         */
        public Builder conv2d(int filters, int kernel, String activation) {
            return add(new Conv2dSpec(filters, kernel, ActivationSpec.of(activation)));
        }

        /**
         * Adds a 2-D convolution with a square kernel and stride and no weight penalties.
         *
         * @param filters output channels, at least 1
         * @param kernel kernel height and width in pixels, at least 1
         * @param activation as in the text form: "relu"; "linear" for none (Keras' default)
         * @param stride step between windows in both directions, in pixels, at least 1 (default 1)
         * @param padding "valid" (no padding, the default) or "same" (zero padding: output = input / stride)
         */
        public Builder conv2d(int filters, int kernel, String activation, int stride, String padding) {
            return add(new Conv2dSpec(filters, kernel, kernel, stride, stride, padding, ActivationSpec.of(activation),
                    0.0, 0.0));
        }

        /** Adds max pooling over {@code size x size} windows, stride {@code size}, "valid" padding. */
        public Builder maxPool2d(int size) {
            return add(Pool2dSpec.max(size));
        }

        /** Adds average pooling over {@code size x size} windows, stride {@code size}, "valid" padding. */
        public Builder avgPool2d(int size) {
            return add(Pool2dSpec.avg(size));
        }

        /** Adds global average pooling: each channel's mean over the image. */
        public Builder globalAvgPool() {
            return add(GlobalPoolSpec.avg());
        }

        /** Adds global max pooling: each channel's maximum over the image. */
        public Builder globalMaxPool() {
            return add(GlobalPoolSpec.max());
        }

        /** Adds a flatten layer: an image becomes one vector. */
        public Builder flatten() {
            return add(new FlattenSpec());
        }

        /** Adds batch normalization with Keras' defaults: momentum 0.99, epsilon 0.001. */
        public Builder batchNorm() {
            return add(new BatchNormSpec());
        }

        /** Adds an LSTM with Keras' defaults: tanh, returning the last timestep only. */
        public Builder lstm(int units) {
            return add(new LstmSpec(units));
        }

        /**
         * Adds an LSTM.
         *
         * @param activation as in the text form; "tanh" is Keras' default
         * @param returnSequences true to output every timestep (for a following recurrent layer)
         */
        public Builder lstm(int units, String activation, boolean returnSequences) {
            return add(new LstmSpec(units, ActivationSpec.of(activation), returnSequences));
        }

        /**
         * Adds a simple recurrent layer.
         *
         * @param activation as in the text form; "tanh" is Keras' default
         * @param returnSequences true to output every timestep (for a following recurrent layer)
         */
        public Builder simpleRnn(int units, String activation, boolean returnSequences) {
            return add(new SimpleRnnSpec(units, ActivationSpec.of(activation), returnSequences));
        }

        /**
         * Adds a bidirectional wrapper that concatenates both directions (Keras' default).
         *
         * @param inner an {@link LstmSpec} or {@link SimpleRnnSpec}, e.g. {@code new LstmSpec(64)}
         */
        public Builder bidirectional(LayerSpec inner) {
            return add(new BidirectionalSpec(inner));
        }

        /**
         * Adds an embedding of integer token ids.
         *
         * @param vocab number of distinct tokens; ids lie in [0, vocab)
         * @param dim length of each token's vector
         */
        public Builder embedding(int vocab, int dim) {
            return add(new EmbeddingSpec(vocab, dim));
        }

        /** Adds any layer. */
        public Builder add(LayerSpec layer) {
            if (layer == null) {
                throw new IllegalArgumentException("layer " + (layers.size() + 1) + " is null");
            }
            layers.add(layer);
            return this;
        }

        /** @throws IllegalArgumentException if there are no layers or the last is not dense */
        public NetworkSpec build() {
            return new NetworkSpec(layers);
        }
    }
}
