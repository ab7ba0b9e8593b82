package io.sparkneural.spec;

/**
 * Dropout during training, as Keras' {@code Dropout}: {@code dropout(0.2)}.
 *
 * @param rate the fraction of inputs DROPPED (Keras' meaning, not DL4J's retain probability); in [0, 1)
 */
public record DropoutSpec(double rate) implements LayerSpec {

    /** @throws IllegalArgumentException if the rate is outside [0, 1) */
    public DropoutSpec {
        rate = NumberRule.FRACTION.require("dropout rate", rate);
    }

    /** Always "dropout". */
    @Override
    public String type() {
        return "dropout";
    }

    /** E.g. {@code dropout(0.2)}. */
    @Override
    public String toText() {
        return LayerCatalog.LAYERS.toText(this);
    }
}
