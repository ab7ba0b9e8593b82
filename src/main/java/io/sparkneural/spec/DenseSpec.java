package io.sparkneural.spec;

/**
 * A fully connected layer, as Keras' {@code Dense}: {@code dense(64, relu, l2=0.001)}.
 *
 * @param units number of outputs; at least 1
 * @param activation applied to the outputs; {@link ActivationSpec#LINEAR} (none) by default, as in Keras
 * @param l1 L1 penalty on the weights; finite, >= 0; default 0 (none)
 * @param l2 L2 penalty on the weights; finite, >= 0; default 0 (none)
 */
public record DenseSpec(int units, ActivationSpec activation, double l1, double l2) implements LayerSpec {

    /** @throws IllegalArgumentException naming the field and the allowed range */
    public DenseSpec {
        NumberRule.POSITIVE_INT.require("dense units", units);
        if (activation == null) {
            throw new IllegalArgumentException("dense activation must not be null; use ActivationSpec.LINEAR for none");
        }
        l1 = NumberRule.NON_NEGATIVE.require("dense l1", l1);
        l2 = NumberRule.NON_NEGATIVE.require("dense l2", l2);
    }

    /** A dense layer without weight penalties. */
    public DenseSpec(int units, ActivationSpec activation) {
        this(units, activation, 0.0, 0.0);
    }

    /** A dense layer with the linear activation and no weight penalties. */
    public DenseSpec(int units) {
        this(units, ActivationSpec.LINEAR);
    }

    /** Always "dense". */
    @Override
    public String type() {
        return "dense";
    }

    /** E.g. {@code dense(64, relu, l2=0.001)}; arguments at their default are left out. */
    @Override
    public String toText() {
        return LayerCatalog.LAYERS.toText(this);
    }
}
