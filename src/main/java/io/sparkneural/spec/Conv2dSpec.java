package io.sparkneural.spec;

/**
 * A 2-D convolution over images (height x width x channels), as Keras' {@code Conv2D}:
 * {@code conv2d(32, 3x3, relu)}, {@code conv2d(64, 3, relu, stride=2, padding=same, l2=0.001)}.
 * In the text, kernel and stride are written {@code 3} (square) or {@code 3x5} (height x width).
 *
 * @param filters number of output channels; at least 1
 * @param kernelH kernel height in pixels; at least 1
 * @param kernelW kernel width in pixels; at least 1
 * @param strideH step between windows down the image, in pixels; at least 1; default 1
 * @param strideW step between windows across the image, in pixels; at least 1; default 1
 * @param padding "valid" (no padding: each side shrinks by kernel - 1 before striding; the default, as
 *     in Keras) or "same" (zero padding, so the output is the input divided by the stride, rounded up);
 *     the constructor accepts any case
 * @param activation applied to the outputs; {@link ActivationSpec#LINEAR} (none) by default, as in Keras
 * @param l1 L1 penalty on the kernel weights; finite, >= 0; default 0 (none)
 * @param l2 L2 penalty on the kernel weights; finite, >= 0; default 0 (none)
 */
public record Conv2dSpec(int filters, int kernelH, int kernelW, int strideH, int strideW, String padding,
        ActivationSpec activation, double l1, double l2) implements LayerSpec {

    /** @throws IllegalArgumentException naming the field and the allowed values */
    public Conv2dSpec {
        NumberRule.POSITIVE_INT.require("conv2d filters", filters);
        Size2d.of("conv2d kernel", kernelH, kernelW);
        Size2d.of("conv2d stride", strideH, strideW);
        padding = ChoiceRule.PADDING.require(padding);
        if (activation == null) {
            throw new IllegalArgumentException("conv2d activation must not be null; use ActivationSpec.LINEAR for none");
        }
        l1 = NumberRule.NON_NEGATIVE.require("conv2d l1", l1);
        l2 = NumberRule.NON_NEGATIVE.require("conv2d l2", l2);
    }

    /** A square kernel, stride 1, "valid" padding and no weight penalties: {@code conv2d(32, 3x3, relu)}. */
    public Conv2dSpec(int filters, int kernel, ActivationSpec activation) {
        this(filters, kernel, kernel, 1, 1, "valid", activation, 0.0, 0.0);
    }

    /** Always "conv2d". */
    @Override
    public String type() {
        return "conv2d";
    }

    /** E.g. {@code conv2d(32, 3x3, relu, padding=same)}; arguments at their default are left out. */
    @Override
    public String toText() {
        return LayerCatalog.LAYERS.toText(this);
    }
}
