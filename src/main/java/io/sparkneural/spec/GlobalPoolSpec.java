package io.sparkneural.spec;

/**
 * The maximum or average of each channel over the whole image, as Keras' {@code GlobalMaxPooling2D} and
 * {@code GlobalAveragePooling2D}: {@code globalavgpool}, {@code globalmaxpool}. Turns height x width x
 * channels into a vector of channels; takes no arguments.
 *
 * @param kind "max" (text {@code globalmaxpool}) or "avg" (text {@code globalavgpool}); the constructor
 *     accepts any case
 */
public record GlobalPoolSpec(String kind) implements LayerSpec {

    /** @throws IllegalArgumentException unless kind is max or avg */
    public GlobalPoolSpec {
        kind = ChoiceRule.POOL_KIND.require(kind);
    }

    /** {@code globalmaxpool}. */
    public static GlobalPoolSpec max() {
        return new GlobalPoolSpec("max");
    }

    /** {@code globalavgpool}. */
    public static GlobalPoolSpec avg() {
        return new GlobalPoolSpec("avg");
    }

    /** "globalmaxpool" or "globalavgpool". */
    @Override
    public String type() {
        return "global" + kind + "pool";
    }

    /** The bare name, {@code globalavgpool} or {@code globalmaxpool}. */
    @Override
    public String toText() {
        return LayerCatalog.LAYERS.toText(this);
    }
}
