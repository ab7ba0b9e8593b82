package io.sparkneural.spec;

/**
 * A long short-term memory layer over sequences (timesteps x features), as Keras' {@code LSTM}:
 * {@code lstm(64)}, {@code lstm(128, relu, return_sequences=true)}. The gates use the sigmoid, as Keras.
 *
 * @param units size of the hidden state, and of the output at each timestep; at least 1
 * @param activation for the cell input and output; {@link ActivationSpec#TANH} by default, as in Keras
 * @param returnSequences true to output the whole sequence (timesteps x units), for a following recurrent
 *     layer; false (the default, as in Keras) to output only the last timestep's units
 */
public record LstmSpec(int units, ActivationSpec activation, boolean returnSequences) implements LayerSpec {

    /** @throws IllegalArgumentException naming the field and the allowed range */
    public LstmSpec {
        NumberRule.POSITIVE_INT.require("lstm units", units);
        if (activation == null) {
            throw new IllegalArgumentException("lstm activation must not be null; use ActivationSpec.TANH for Keras' default");
        }
    }

    /** With Keras' defaults: tanh, returning the last timestep only. */
    public LstmSpec(int units) {
        this(units, ActivationSpec.TANH, false);
    }

    /** Always "lstm". */
    @Override
    public String type() {
        return "lstm";
    }

    /** E.g. {@code lstm(64)}, {@code lstm(128, relu, return_sequences=true)}; arguments at their default are left out. */
    @Override
    public String toText() {
        return LayerCatalog.LAYERS.toText(this);
    }
}
