package io.sparkneural.spec;

/**
 * Max or average pooling over windows of an image, as Keras' {@code MaxPooling2D} and
 * {@code AveragePooling2D}: {@code maxpool2d(2x2)}, {@code avgpool2d(3, stride=2, padding=same)}.
 * In the text, size and stride are written {@code 2} (square) or {@code 2x3} (height x width); the
 * stride defaults to the size, as in Keras, so windows do not overlap.
 *
 * @param kind "max" (text {@code maxpool2d}) or "avg" (text {@code avgpool2d}); the constructor accepts
 *     any case
 * @param sizeH window height in pixels; at least 1
 * @param sizeW window width in pixels; at least 1
 * @param strideH step between windows down the image, in pixels; at least 1; by default {@code sizeH}
 * @param strideW step between windows across the image, in pixels; at least 1; by default {@code sizeW}
 * @param padding "valid" (the default, as in Keras: windows stay inside the image) or "same"; any case
 */
public record Pool2dSpec(String kind, int sizeH, int sizeW, int strideH, int strideW, String padding)
        implements LayerSpec {

    /** @throws IllegalArgumentException naming the field and the allowed values */
    public Pool2dSpec {
        kind = ChoiceRule.POOL_KIND.require(kind);
        Size2d.of(kind + "pool2d size", sizeH, sizeW);
        Size2d.of(kind + "pool2d stride", strideH, strideW);
        padding = ChoiceRule.PADDING.require(padding);
    }

    /** With "valid" padding. */
    public Pool2dSpec(String kind, int sizeH, int sizeW, int strideH, int strideW) {
        this(kind, sizeH, sizeW, strideH, strideW, "valid");
    }

    /** {@code maxpool2d(size)}: square windows, stride equal to the size, "valid" padding. */
    public static Pool2dSpec max(int size) {
        return new Pool2dSpec("max", size, size, size, size);
    }

    /** {@code avgpool2d(size)}: square windows, stride equal to the size, "valid" padding. */
    public static Pool2dSpec avg(int size) {
        return new Pool2dSpec("avg", size, size, size, size);
    }

    /** "maxpool2d" or "avgpool2d". */
    @Override
    public String type() {
        return kind + "pool2d";
    }

    /** E.g. {@code maxpool2d(2x2)}, {@code avgpool2d(3x3, stride=2x2)}; arguments at their default are left out. */
    @Override
    public String toText() {
        return LayerCatalog.LAYERS.toText(this);
    }
}
