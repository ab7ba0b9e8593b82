package io.sparkneural.spec;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The optimizer and its settings, by Keras name and with Keras' defaults:
 * {@code adam}, {@code sgd(momentum=0.9, nesterov=true)}, {@code adam(beta1=0.9, beta2=0.999, epsilon=1e-7)},
 * {@code rmsprop(rho=0.9)}, {@code adagrad(epsilon=1e-7)}. All arguments are keywords. The learning
 * rate is set elsewhere; {@link #defaultLearningRate()} gives Keras' default for this optimizer.
 *
 * <p>Fields an optimizer does not use hold NaN ({@code nesterov}: false), so that two specs of the
 * same optimizer with the same settings are equal.
 *
 * @param name sgd, adam, rmsprop or adagrad; the constructor also accepts any case
 * @param momentum sgd only: in [0, 1), default 0
 * @param nesterov sgd only: Nesterov momentum, default false; needs momentum > 0
 * @param beta1 adam only: in [0, 1), default 0.9
 * @param beta2 adam only: in [0, 1), default 0.999
 * @param epsilon adam, rmsprop and adagrad: > 0, default 1e-7
 * @param rho rmsprop only: decay of the squared-gradient average, in [0, 1), default 0.9 (rmsprop
 *     has no momentum here: Keras' default of 0)
 */
public record OptimizerSpec(String name, double momentum, boolean nesterov, double beta1, double beta2,
        double epsilon, double rho) implements Serializable {

    private static final double NONE = Double.NaN;
    private static final Param<Double> MOMENTUM = Param.number("momentum", NumberRule.FRACTION, 0.0);
    private static final Param<Boolean> NESTEROV = Param.bool("nesterov", false);
    private static final Param<Double> BETA1 = Param.number("beta1", NumberRule.FRACTION, 0.9);
    private static final Param<Double> BETA2 = Param.number("beta2", NumberRule.FRACTION, 0.999);
    private static final Param<Double> EPSILON = Param.number("epsilon", NumberRule.POSITIVE, 1e-7);
    private static final Param<Double> RHO = Param.number("rho", NumberRule.FRACTION, 0.9);
    private static final String NESTEROV_NEEDS_MOMENTUM = "sgd nesterov=true needs momentum > 0";

    private static final Catalog<OptimizerSpec> CATALOG = new Catalog<>("optimizer", OptimizerSpec::name, List.of(
            new Signature<OptimizerSpec>("sgd", "sgd(momentum=0.9)", List.of(MOMENTUM, NESTEROV),
                    OptimizerSpec::sgd, sgd -> List.of(sgd.momentum, sgd.nesterov)),
            new Signature<OptimizerSpec>("adam", "adam(beta1=0.9)", List.of(BETA1, BETA2, EPSILON),
                    args -> adam(args.get(BETA1), args.get(BETA2), args.get(EPSILON)),
                    adam -> List.of(adam.beta1, adam.beta2, adam.epsilon)),
            new Signature<OptimizerSpec>("rmsprop", "rmsprop(rho=0.9)", List.of(RHO, EPSILON),
                    args -> rmsprop(args.get(RHO), args.get(EPSILON)),
                    rmsprop -> List.of(rmsprop.rho, rmsprop.epsilon)),
            new Signature<OptimizerSpec>("adagrad", "adagrad(epsilon=1e-7)", List.of(EPSILON),
                    args -> adagrad(args.get(EPSILON)),
                    adagrad -> List.of(adagrad.epsilon))),
            Map.of());

    /**
     * @throws IllegalArgumentException for an unknown name, a value out of range, or a field the optimizer
     *     does not use
     */
    public OptimizerSpec {
        String canonical = name == null ? null : CATALOG.canonical(name);
        if (canonical == null) {
            throw CATALOG.unknown(name);
        }
        name = canonical;
        Signature<?> signature = CATALOG.signature(name);
        momentum = field(signature, "momentum", momentum, NumberRule.FRACTION);
        beta1 = field(signature, "beta1", beta1, NumberRule.FRACTION);
        beta2 = field(signature, "beta2", beta2, NumberRule.FRACTION);
        epsilon = field(signature, "epsilon", epsilon, NumberRule.POSITIVE);
        rho = field(signature, "rho", rho, NumberRule.FRACTION);
        if (nesterov && !signature.accepts("nesterov")) {
            throw new IllegalArgumentException(name + " takes no nesterov; it takes " + signature.paramNames());
        }
        if (nesterov && !(momentum > 0)) {
            throw new IllegalArgumentException(NESTEROV_NEEDS_MOMENTUM);
        }
    }

    /**
     * Parses {@code "adam"}, {@code "sgd(momentum=0.9, nesterov=true)"}, ...; names in any case.
     *
     * @throws SpecParseException naming the problem and its position within {@code text}
     */
    public static OptimizerSpec parse(String text) {
        Call call = CallParser.parseCall(text == null ? "" : text, "optimizer");
        if (call == null) {
            throw SpecParseException.empty("the optimizer is empty: expected one of "
                    + String.join(", ", CATALOG.names()) + ", e.g. adam or sgd(momentum=0.9)");
        }
        return CATALOG.build(call);
    }

    /** Plain SGD: momentum 0, no Nesterov. */
    public static OptimizerSpec sgd() {
        return sgd(0.0, false);
    }

    /** SGD with momentum in [0, 1); {@code nesterov} needs momentum > 0. */
    public static OptimizerSpec sgd(double momentum, boolean nesterov) {
        return new OptimizerSpec("sgd", momentum, nesterov, NONE, NONE, NONE, NONE);
    }

    /** Adam with beta1 0.9, beta2 0.999, epsilon 1e-7. */
    public static OptimizerSpec adam() {
        return adam(0.9, 0.999, 1e-7);
    }

    /** Adam; betas in [0, 1), epsilon > 0. */
    public static OptimizerSpec adam(double beta1, double beta2, double epsilon) {
        return new OptimizerSpec("adam", NONE, false, beta1, beta2, epsilon, NONE);
    }

    /** RMSprop with rho 0.9, epsilon 1e-7. */
    public static OptimizerSpec rmsprop() {
        return rmsprop(0.9, 1e-7);
    }

    /** RMSprop; rho in [0, 1), epsilon > 0. */
    public static OptimizerSpec rmsprop(double rho, double epsilon) {
        return new OptimizerSpec("rmsprop", NONE, false, NONE, NONE, epsilon, rho);
    }

    /** Adagrad with epsilon 1e-7. */
    public static OptimizerSpec adagrad() {
        return adagrad(1e-7);
    }

    /** Adagrad; epsilon > 0. */
    public static OptimizerSpec adagrad(double epsilon) {
        return new OptimizerSpec("adagrad", NONE, false, NONE, NONE, epsilon, NONE);
    }

    /** Keras' default learning rate for this optimizer: 0.01 for sgd, 0.001 for adam, rmsprop and adagrad. */
    public double defaultLearningRate() {
        return name.equals("sgd") ? 0.01 : 0.001;
    }

    /** E.g. {@code adam}, {@code sgd(momentum=0.9, nesterov=true)}; settings at their default are left out. */
    public String toText() {
        return CATALOG.toText(this);
    }

    private static OptimizerSpec sgd(Signature.Arguments args) {
        double momentum = args.get(MOMENTUM);
        boolean nesterov = args.get(NESTEROV);
        if (nesterov && !(momentum > 0)) {
            throw args.at(NESTEROV).error(NESTEROV_NEEDS_MOMENTUM, "; e.g. sgd(momentum=0.9, nesterov=true)");
        }
        return sgd(momentum, nesterov);
    }

    private static double field(Signature<?> signature, String field, double value, NumberRule rule) {
        if (signature.accepts(field)) {
            return rule.require(signature.name() + " " + field, value);
        }
        if (!Double.isNaN(value)) {
            throw new IllegalArgumentException(signature.name() + " takes no " + field + " (pass NaN); it takes "
                    + signature.paramNames());
        }
        return value;
    }
}
