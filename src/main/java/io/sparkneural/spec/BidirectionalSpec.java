package io.sparkneural.spec;

/**
 * A recurrent layer run over the sequence both forwards and backwards, as Keras' {@code Bidirectional}:
 * {@code bidirectional(lstm(64))}, {@code bidirectional(simple_rnn(32, return_sequences=true), merge_mode=sum)}.
 * Whether it returns sequences is the inner layer's {@code return_sequences}.
 *
 * @param inner the layer run in both directions: an {@link LstmSpec} or a {@link SimpleRnnSpec}
 * @param mergeMode how the two directions' outputs combine: "concat" (the default, as in Keras: twice the
 *     inner layer's units), "sum", "mul" or "ave" (the inner layer's units); the constructor accepts any case
 */
public record BidirectionalSpec(LayerSpec inner, String mergeMode) implements LayerSpec {

    static final String WRAPS = "bidirectional wraps lstm(...) or simple_rnn(...)";

    /** @throws IllegalArgumentException for an inner layer that is not recurrent, or an unknown merge mode */
    public BidirectionalSpec {
        if (!(inner instanceof LstmSpec || inner instanceof SimpleRnnSpec)) {
            throw new IllegalArgumentException(WRAPS + ", but got " + (inner == null ? "null" : inner.toText()));
        }
        mergeMode = ChoiceRule.MERGE_MODE.require(mergeMode);
    }

    /** Concatenating both directions, as Keras by default. */
    public BidirectionalSpec(LayerSpec inner) {
        this(inner, "concat");
    }

    /** Always "bidirectional". */
    @Override
    public String type() {
        return "bidirectional";
    }

    /** E.g. {@code bidirectional(lstm(64))}, {@code bidirectional(lstm(64), merge_mode=sum)}. */
    @Override
    public String toText() {
        return LayerCatalog.LAYERS.toText(this);
    }
}
