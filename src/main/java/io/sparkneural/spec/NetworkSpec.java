package io.sparkneural.spec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The layers of a network, in order, as a user writes them:
 * {@code dense(64, relu) dropout(0.2) dense(10, softmax)}. The input size is not part of the spec;
 * it comes from the data. The last layer is always dense: it is the output layer.
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
     * {@code type(positional..., name=value...)}; names in any case; numbers as 64, 0.2, 1e-4.
     * JSON: {@code {"layers":[{"type":"dense","units":64,"activation":"relu"}, ...]}} or a bare array
     * of layer objects; fields left out take their defaults.
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

    private static String notDenseOutput(LayerSpec last) {
        return "the last layer must be dense(...) (the output layer), but was " + last.toText();
    }

    /**
     * Builds a {@link NetworkSpec} layer by layer:
     * {@code NetworkSpec.builder().dense(64, "relu").dropout(0.2).dense(10, "softmax").build()}.
     * Each method throws {@link IllegalArgumentException} at once for an invalid layer.
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
