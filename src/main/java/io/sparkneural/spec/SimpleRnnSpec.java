package io.sparkneural.spec;

/**
 * A fully connected recurrent layer over sequences (timesteps x features), as Keras' {@code SimpleRNN}:
 * {@code simple_rnn(32)}, {@code simple_rnn(32, relu, return_sequences=true)}.
 *
 * @param units size of the hidden state, and of the output at each timestep; at least 1
 * @param activation of the hidden state; {@link ActivationSpec#TANH} by default, as in Keras
 * @param returnSequences true to output the whole sequence (timesteps x units), for a following recurrent
 *     layer; false (the default, as in Keras) to output only the last timestep's units
 */
public record SimpleRnnSpec(int units, ActivationSpec activation, boolean returnSequences) implements LayerSpec {

    /** @throws IllegalArgumentException naming the field and the allowed range */
    public SimpleRnnSpec {
        NumberRule.POSITIVE_INT.require("simple_rnn units", units);
        if (activation == null) {
            throw new IllegalArgumentException(
                    "simple_rnn activation must not be null; use ActivationSpec.TANH for Keras' default");
        }
    }

    /** With Keras' defaults: tanh, returning the last timestep only. */
    public SimpleRnnSpec(int units) {
        this(units, ActivationSpec.TANH, false);
    }

    /** Always "simple_rnn". */
    @Override
    public String type() {
        return "simple_rnn";
    }

    /** E.g. {@code simple_rnn(32)}, {@code simple_rnn(32, return_sequences=true)}; arguments at their default are left out. */
    @Override
    public String toText() {
        return LayerCatalog.LAYERS.toText(this);
    }
}
