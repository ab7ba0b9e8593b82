package io.sparkneural.spec;

import java.util.List;
import java.util.Map;

/**
 * Every layer type the specification knows, with its arguments. Adding a layer means adding its
 * record to {@link LayerSpec}'s permits and one {@link Signature} here; the text and JSON forms,
 * argument checks and error messages follow from the signature.
 */
final class LayerCatalog {

    private static final Param<Integer> UNITS = Param.integer("units", NumberRule.POSITIVE_INT).byPosition();
    private static final Param<ActivationSpec> ACTIVATION =
            Param.activation("activation", ActivationSpec.LINEAR).byPosition();
    private static final Param<Double> L1 = Param.number("l1", NumberRule.NON_NEGATIVE, 0.0);
    private static final Param<Double> L2 = Param.number("l2", NumberRule.NON_NEGATIVE, 0.0);
    private static final Param<Double> RATE = Param.number("rate", NumberRule.FRACTION).byPosition();

    static final Catalog<LayerSpec> LAYERS = new Catalog<>("layer", LayerSpec::type, List.of(
            new Signature<DenseSpec>("dense", "dense(64, relu)", List.of(UNITS, ACTIVATION, L1, L2),
                    args -> new DenseSpec(args.get(UNITS), args.get(ACTIVATION), args.get(L1), args.get(L2)),
                    dense -> List.of(dense.units(), dense.activation(), dense.l1(), dense.l2())),
            new Signature<DropoutSpec>("dropout", "dropout(0.2)", List.of(RATE),
                    args -> new DropoutSpec(args.get(RATE)),
                    dropout -> List.of(dropout.rate()))),
            Map.of());

    private LayerCatalog() {}
}
