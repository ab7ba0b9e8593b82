package io.sparkneural.spec;

/**
 * Flattens an image (height x width x channels) into one vector, as Keras' {@code Flatten}:
 * {@code flatten} or {@code flatten()}. Takes no arguments.
 */
public record FlattenSpec() implements LayerSpec {

    /** Always "flatten". */
    @Override
    public String type() {
        return "flatten";
    }

    /** Always {@code flatten}. */
    @Override
    public String toText() {
        return LayerCatalog.LAYERS.toText(this);
    }
}
