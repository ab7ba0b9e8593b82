package io.sparkneural.spec;

import java.io.Serializable;

/**
 * One layer of a {@link NetworkSpec}. Implementations are immutable, validated on construction (also when
 * deserialized) and serializable, so Spark can ship them inside stages.
 */
public sealed interface LayerSpec extends Serializable permits DenseSpec, DropoutSpec, Conv2dSpec, Pool2dSpec,
        GlobalPoolSpec, FlattenSpec, BatchNormSpec, LstmSpec, SimpleRnnSpec, BidirectionalSpec, EmbeddingSpec {

    /**
     * The layer type as written in the specification and in JSON's "type": "dense", "dropout", "conv2d",
     * "maxpool2d", "avgpool2d", "globalavgpool", "globalmaxpool", "flatten", "batchnorm", "lstm",
     * "simple_rnn", "bidirectional", "embedding".
     */
    String type();

    /** The layer in the compact text form, e.g. {@code dense(64, relu)}; it parses back to an equal layer. */
    String toText();
}
