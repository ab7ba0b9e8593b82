package io.sparkneural.spec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An activation function: {@code relu}, {@code leaky_relu(0.01)}, {@code elu(alpha=0.5)}.
 *
 * <p>Canonical names: relu, relu6, sigmoid, tanh, leaky_relu, elu, selu, gelu, swish, mish, softplus,
 * softsign, softmax, linear. Also accepted on input, in any case: silu (swish), identity (linear),
 * leakyrelu (leaky_relu).
 *
 * @param name canonical lower-case name; the constructor also accepts aliases and any case
 * @param alpha leaky_relu's negative slope (default 0.2, as Keras 3's leaky_relu) or elu's scale
 *     for negative inputs (default 1.0), finite and >= 0; NaN for every other activation. NaN given
 *     for leaky_relu or elu means the default.
 */
public record ActivationSpec(String name, double alpha) implements Serializable {

    private static final Param<Double> LEAKY_RELU_ALPHA =
            Param.number("alpha", NumberRule.NON_NEGATIVE, 0.2).byPosition();
    private static final Param<Double> ELU_ALPHA = Param.number("alpha", NumberRule.NON_NEGATIVE, 1.0).byPosition();
    private static final Map<String, Param<Double>> ALPHAS = Map.of("leaky_relu", LEAKY_RELU_ALPHA, "elu", ELU_ALPHA);
    private static final List<String> NAMES = List.of("relu", "relu6", "sigmoid", "tanh", "leaky_relu", "elu",
            "selu", "gelu", "swish", "mish", "softplus", "softsign", "softmax", "linear");

    static final Catalog<ActivationSpec> CATALOG = new Catalog<>("activation", ActivationSpec::name, signatures(),
            Map.of("silu", "swish", "identity", "linear", "leakyrelu", "leaky_relu"));

    /** No activation: Keras' default for dense layers. */
    public static final ActivationSpec LINEAR = new ActivationSpec("linear", Double.NaN);

    /** The hyperbolic tangent: Keras' default for lstm and simple_rnn layers. */
    public static final ActivationSpec TANH = new ActivationSpec("tanh", Double.NaN);

    /** @throws IllegalArgumentException for an unknown name, or an alpha out of range or not taken */
    public ActivationSpec {
        String canonical = name == null ? null : CATALOG.canonical(name);
        if (canonical == null) {
            throw CATALOG.unknown(name);
        }
        name = canonical;
        Param<Double> alphaParam = ALPHAS.get(name);
        if (alphaParam == null) {
            if (!Double.isNaN(alpha)) {
                throw new IllegalArgumentException(name + " takes no alpha, but got " + NumberText.format(alpha)
                        + "; pass NaN");
            }
        } else {
            alpha = Double.isNaN(alpha)
                    ? alphaParam.defaultValue()
                    : NumberRule.NON_NEGATIVE.require(name + " alpha", alpha);
        }
    }

    /**
     * Parses {@code "relu"}, {@code "leaky_relu(0.01)"}, {@code "leaky_relu(alpha=0.01)"}; any case.
     *
     * @throws SpecParseException with the position within {@code nameWithOptionalArg}
     */
    public static ActivationSpec of(String nameWithOptionalArg) {
        Value value = CallParser.parseValue(nameWithOptionalArg == null ? "" : nameWithOptionalArg, Position.START,
                "activation");
        if (value == null) {
            throw SpecParseException.empty("the activation is empty: expected a name such as relu or leaky_relu(0.01)");
        }
        return read(value, "activation");
    }

    /** The canonical names, in the order documented on this class. */
    public static List<String> names() {
        return NAMES;
    }

    /** E.g. {@code relu}, {@code leaky_relu(0.01)}; an alpha at its default is left out. */
    public String toText() {
        return CATALOG.toText(this);
    }

    /** Reads an activation given as an argument: a name or a call. */
    static ActivationSpec read(Value value, String what) {
        if (value instanceof Value.Name name) {
            return CATALOG.build(Call.of(name));
        }
        if (value instanceof Value.Nested nested) {
            return CATALOG.build(nested.call());
        }
        throw value.at().error(
                what + " must be an activation such as relu or leaky_relu(0.01), but got " + value.text());
    }

    private static List<Signature<? extends ActivationSpec>> signatures() {
        List<Signature<? extends ActivationSpec>> signatures = new ArrayList<>();
        for (String name : NAMES) {
            Param<Double> alpha = ALPHAS.get(name);
            if (alpha == null) {
                signatures.add(new Signature<ActivationSpec>(name, name, List.of(),
                        args -> new ActivationSpec(name, Double.NaN),
                        activation -> List.of()));
            } else {
                signatures.add(new Signature<ActivationSpec>(name, name + "(0.1)", List.of(alpha),
                        args -> new ActivationSpec(name, args.get(alpha)),
                        activation -> List.of(activation.alpha())));
            }
        }
        return signatures;
    }
}
