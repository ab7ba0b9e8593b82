package io.sparkneural.spec;

import java.util.List;
import java.util.Map;

/**
 * Every layer type the specification knows, with its arguments. Adding a layer means adding its
 * record to {@link LayerSpec}'s permits and one {@link Signature} here; the text and JSON forms,
 * argument checks and error messages follow from the signature.
 *
 * <p>JSON field names are the parameter names below; sizes (kernel, stride, size) are written as
 * {@code "3x3"} strings and read from {@code "3x3"}, {@code "3"} or {@code 3}; bidirectional's inner
 * layer is a nested layer object.
 */
final class LayerCatalog {

    private static final Param<Integer> UNITS = Param.integer("units", NumberRule.POSITIVE_INT).byPosition();
    private static final Param<ActivationSpec> ACTIVATION =
            Param.activation("activation", ActivationSpec.LINEAR).byPosition();
    private static final Param<Double> L1 = Param.number("l1", NumberRule.NON_NEGATIVE, 0.0);
    private static final Param<Double> L2 = Param.number("l2", NumberRule.NON_NEGATIVE, 0.0);
    private static final Param<Double> RATE = Param.number("rate", NumberRule.FRACTION).byPosition();

    private static final Param<Integer> FILTERS = Param.integer("filters", NumberRule.POSITIVE_INT).byPosition();
    private static final Param<Size2d> KERNEL = Param.size("kernel").byPosition();
    private static final Param<Size2d> CONV_STRIDE = Param.size("stride", Size2d.ONE);
    private static final Param<String> PADDING = Param.choice(ChoiceRule.PADDING, "valid");
    private static final Param<Size2d> POOL_SIZE = Param.size("size").byPosition();
    /** Keras' pooling strides=None: the window's size, so windows do not overlap. */
    private static final Param<Size2d> POOL_STRIDE = Param.size("stride").defaultingTo(POOL_SIZE);
    private static final Param<Double> MOMENTUM =
            Param.number("momentum", NumberRule.FRACTION, BatchNormSpec.DEFAULT_MOMENTUM);
    private static final Param<Double> EPSILON =
            Param.number("epsilon", NumberRule.POSITIVE, BatchNormSpec.DEFAULT_EPSILON);

    private static final Param<ActivationSpec> RECURRENT_ACTIVATION =
            Param.activation("activation", ActivationSpec.TANH).byPosition();
    private static final Param<Boolean> RETURN_SEQUENCES = Param.bool("return_sequences", false);
    private static final Param<LayerSpec> RECURRENT_LAYER =
            Param.required("layer", LayerCatalog::recurrentLayer).byPosition();
    private static final Param<String> MERGE_MODE = Param.choice(ChoiceRule.MERGE_MODE, "concat");
    private static final Param<Integer> VOCAB = Param.integer("vocab", NumberRule.POSITIVE_INT).byPosition();
    private static final Param<Integer> DIM = Param.integer("dim", NumberRule.POSITIVE_INT).byPosition();

    static final Catalog<LayerSpec> LAYERS = new Catalog<>("layer", LayerSpec::type, List.of(
            new Signature<DenseSpec>("dense", "dense(64, relu)", List.of(UNITS, ACTIVATION, L1, L2),
                    args -> new DenseSpec(args.get(UNITS), args.get(ACTIVATION), args.get(L1), args.get(L2)),
                    dense -> List.of(dense.units(), dense.activation(), dense.l1(), dense.l2())),
            new Signature<DropoutSpec>("dropout", "dropout(0.2)", List.of(RATE),
                    args -> new DropoutSpec(args.get(RATE)),
                    dropout -> List.of(dropout.rate())),
            new Signature<Conv2dSpec>("conv2d", "conv2d(32, 3x3, relu)",
                    List.of(FILTERS, KERNEL, ACTIVATION, CONV_STRIDE, PADDING, L1, L2),
                    LayerCatalog::conv2d,
                    conv -> List.of(conv.filters(), new Size2d(conv.kernelH(), conv.kernelW()), conv.activation(),
                            new Size2d(conv.strideH(), conv.strideW()), conv.padding(), conv.l1(), conv.l2())),
            pool2d("max"),
            pool2d("avg"),
            globalPool("avg"),
            globalPool("max"),
            new Signature<FlattenSpec>("flatten", "flatten", List.of(),
                    args -> new FlattenSpec(),
                    flatten -> List.of()),
            new Signature<BatchNormSpec>("batchnorm", "batchnorm(momentum=0.99)", List.of(MOMENTUM, EPSILON),
                    args -> new BatchNormSpec(args.get(MOMENTUM), args.get(EPSILON)),
                    norm -> List.of(norm.momentum(), norm.epsilon())),
            new Signature<LstmSpec>("lstm", "lstm(64)", List.of(UNITS, RECURRENT_ACTIVATION, RETURN_SEQUENCES),
                    args -> new LstmSpec(args.get(UNITS), args.get(RECURRENT_ACTIVATION), args.get(RETURN_SEQUENCES)),
                    lstm -> List.of(lstm.units(), lstm.activation(), lstm.returnSequences())),
            new Signature<SimpleRnnSpec>("simple_rnn", "simple_rnn(32)",
                    List.of(UNITS, RECURRENT_ACTIVATION, RETURN_SEQUENCES),
                    args -> new SimpleRnnSpec(args.get(UNITS), args.get(RECURRENT_ACTIVATION), args.get(RETURN_SEQUENCES)),
                    rnn -> List.of(rnn.units(), rnn.activation(), rnn.returnSequences())),
            new Signature<BidirectionalSpec>("bidirectional", "bidirectional(lstm(64))",
                    List.of(RECURRENT_LAYER, MERGE_MODE),
                    args -> new BidirectionalSpec(args.get(RECURRENT_LAYER), args.get(MERGE_MODE)),
                    bidirectional -> List.of(bidirectional.inner(), bidirectional.mergeMode())),
            new Signature<EmbeddingSpec>("embedding", "embedding(10000, 64)", List.of(VOCAB, DIM),
                    args -> new EmbeddingSpec(args.get(VOCAB), args.get(DIM)),
                    embedding -> List.of(embedding.vocab(), embedding.dim()))),
            // Keras' class names, lower-cased, for users who type them
            Map.of("maxpooling2d", "maxpool2d",
                    "averagepooling2d", "avgpool2d",
                    "globalaveragepooling2d", "globalavgpool",
                    "globalmaxpooling2d", "globalmaxpool",
                    "batchnormalization", "batchnorm",
                    "simplernn", "simple_rnn"));

    private LayerCatalog() {}

    private static Conv2dSpec conv2d(Signature.Arguments args) {
        Size2d kernel = args.get(KERNEL);
        Size2d stride = args.get(CONV_STRIDE);
        return new Conv2dSpec(args.get(FILTERS), kernel.height(), kernel.width(), stride.height(), stride.width(),
                args.get(PADDING), args.get(ACTIVATION), args.get(L1), args.get(L2));
    }

    private static Signature<Pool2dSpec> pool2d(String kind) {
        return new Signature<Pool2dSpec>(kind + "pool2d", kind + "pool2d(2x2)", List.of(POOL_SIZE, POOL_STRIDE, PADDING),
                args -> {
                    Size2d size = args.get(POOL_SIZE);
                    Size2d stride = args.get(POOL_STRIDE);
                    return new Pool2dSpec(kind, size.height(), size.width(), stride.height(), stride.width(),
                            args.get(PADDING));
                },
                pool -> List.of(new Size2d(pool.sizeH(), pool.sizeW()), new Size2d(pool.strideH(), pool.strideW()),
                        pool.padding()));
    }

    private static Signature<GlobalPoolSpec> globalPool(String kind) {
        return new Signature<GlobalPoolSpec>("global" + kind + "pool", "global" + kind + "pool", List.of(),
                args -> new GlobalPoolSpec(kind),
                pool -> List.of());
    }

    /** Bidirectional's inner layer: {@code lstm(64)} or {@code simple_rnn(32)}, checked by name before it is built. */
    private static LayerSpec recurrentLayer(Value value, String what) {
        Call call = value instanceof Value.Nested nested ? nested.call()
                : value instanceof Value.Name name ? Call.of(name)
                : null;
        if (call != null && LAYERS.canonical(call.name()) == null) {
            return LAYERS.build(call); // unknown layer 'lstn', did you mean 'lstm'?
        }
        String canonical = call == null ? null : LAYERS.canonical(call.name());
        if (!"lstm".equals(canonical) && !"simple_rnn".equals(canonical)) {
            throw value.at().error(BidirectionalSpec.WRAPS + ", but got " + value.text());
        }
        return LAYERS.build(call);
    }
}
