package io.sparkneural.spec;

/**
 * Batch normalization, as Keras' {@code BatchNormalization}: {@code batchnorm},
 * {@code batchnorm(momentum=0.9, epsilon=1e-5)}. Both arguments are keywords.
 *
 * @param momentum weight of the old value in the moving mean and variance used at inference
 *     ({@code moving = momentum * moving + (1 - momentum) * batch}); in [0, 1); default 0.99, as in Keras
 * @param epsilon added to the variance before dividing by its square root; > 0; default 0.001, as in Keras
 */
public record BatchNormSpec(double momentum, double epsilon) implements LayerSpec {

    /** Keras' default momentum. */
    public static final double DEFAULT_MOMENTUM = 0.99;
    /** Keras' default epsilon. */
    public static final double DEFAULT_EPSILON = 0.001;

    /** @throws IllegalArgumentException naming the field and the allowed range */
    public BatchNormSpec {
        momentum = NumberRule.FRACTION.require("batchnorm momentum", momentum);
        epsilon = NumberRule.POSITIVE.require("batchnorm epsilon", epsilon);
    }

    /** With Keras' defaults: momentum 0.99, epsilon 0.001. */
    public BatchNormSpec() {
        this(DEFAULT_MOMENTUM, DEFAULT_EPSILON);
    }

    /** Always "batchnorm". */
    @Override
    public String type() {
        return "batchnorm";
    }

    /** E.g. {@code batchnorm}, {@code batchnorm(momentum=0.9)}; arguments at their default are left out. */
    @Override
    public String toText() {
        return LayerCatalog.LAYERS.toText(this);
    }
}
