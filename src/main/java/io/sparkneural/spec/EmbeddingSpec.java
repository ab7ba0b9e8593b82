package io.sparkneural.spec;

/**
 * Turns integer token ids into dense vectors, as Keras' {@code Embedding}: {@code embedding(10000, 64)}.
 * Reads a sequence of token ids (one per timestep) and outputs timesteps x dim.
 *
 * @param vocab number of distinct tokens: ids must lie in [0, vocab) (Keras' {@code input_dim}); at least 1
 * @param dim length of each token's vector (Keras' {@code output_dim}); at least 1
 */
public record EmbeddingSpec(int vocab, int dim) implements LayerSpec {

    /** @throws IllegalArgumentException naming the field and the allowed range */
    public EmbeddingSpec {
        NumberRule.POSITIVE_INT.require("embedding vocab", vocab);
        NumberRule.POSITIVE_INT.require("embedding dim", dim);
    }

    /** Always "embedding". */
    @Override
    public String type() {
        return "embedding";
    }

    /** E.g. {@code embedding(10000, 64)}. */
    @Override
    public String toText() {
        return LayerCatalog.LAYERS.toText(this);
    }
}
