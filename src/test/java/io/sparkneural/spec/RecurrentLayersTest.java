package io.sparkneural.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** lstm, simple_rnn, bidirectional and embedding, with Keras' defaults. */
class RecurrentLayersTest {

    private static final ActivationSpec RELU = ActivationSpec.of("relu");
    private static final String SEED =
            "lstm(128, relu, return_sequences=true) dropout(0.2) lstm(64, relu) dropout(0.2) dense(32, relu) dense(1, sigmoid)";

    @Test
    void parsesTheSeedLstmNetAndWritesItBackVerbatim() {
        NetworkSpec spec = NetworkSpec.parse(SEED);

        assertEquals(List.of(
                new LstmSpec(128, RELU, true), new DropoutSpec(0.2),
                new LstmSpec(64, RELU, false), new DropoutSpec(0.2),
                new DenseSpec(32, RELU), new DenseSpec(1, ActivationSpec.of("sigmoid"))), spec.layers());
        assertEquals(SEED, spec.toText());
        assertEquals(spec, NetworkSpec.parse(spec.toJson()));
        assertTrue(spec.isRecurrent());
        assertFalse(spec.isConvolutional());
    }

    @Test
    void recurrentLayersDefaultToTanhAndTheLastTimestep() {
        assertEquals(new LstmSpec(64, ActivationSpec.TANH, false), first("lstm(64)"));
        assertEquals(new LstmSpec(64), first("lstm(units=64, activation=tanh, return_sequences=false)"));
        assertEquals(new SimpleRnnSpec(32, ActivationSpec.TANH, false), first("simple_rnn(32)"));
        assertEquals(new SimpleRnnSpec(32, RELU, true), first("SimpleRNN(32, relu, return_sequences=TRUE)"));
    }

    @Test
    void bidirectionalWrapsARecurrentLayerAndConcatenatesByDefault() {
        assertEquals(new BidirectionalSpec(new LstmSpec(64), "concat"), first("bidirectional(lstm(64))"));
        assertEquals(new BidirectionalSpec(new SimpleRnnSpec(32, ActivationSpec.TANH, true)),
                first("bidirectional(simple_rnn(32, return_sequences=true))"));
        assertEquals(new BidirectionalSpec(new LstmSpec(8), "ave"), first("bidirectional(layer=lstm(8), merge_mode=AVE)"));
        for (String mode : List.of("concat", "sum", "mul", "ave")) {
            assertEquals(mode, ((BidirectionalSpec) first("bidirectional(lstm(8), merge_mode=" + mode + ")")).mergeMode());
        }
    }

    @Test
    void embeddingTakesVocabularyAndDimension() {
        assertEquals(new EmbeddingSpec(10000, 64), first("embedding(10000, 64)"));
        assertEquals(new EmbeddingSpec(50, 8), first("embedding(dim=8, vocab=50)"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        SEED,
        "lstm(64) dense(1)",
        "embedding(10000, 64) bidirectional(lstm(64, return_sequences=true)) lstm(32) dense(1, sigmoid)",
        "bidirectional(simple_rnn(32, relu, return_sequences=true), merge_mode=sum) simple_rnn(8) dense(2, softmax)",
        "bidirectional(lstm(16, leaky_relu(0.01)), merge_mode=ave) dense(1)",
    })
    void roundTripsThroughTextAndJson(String text) {
        NetworkSpec spec = NetworkSpec.parse(text);

        assertEquals(text, spec.toText());
        assertEquals(spec, NetworkSpec.parse(spec.toText()));
        assertEquals(spec, NetworkSpec.parse(spec.toJson()));
    }

    @Test
    void writesCanonicalTextLeavingOutDefaults() {
        assertEquals("lstm(64) simple_rnn(8, return_sequences=true) bidirectional(lstm(4)) dense(1)",
                NetworkSpec.parse("lstm(64, tanh, return_sequences=false) simple_rnn(8, tanh, return_sequences=true) "
                        + "bidirectional(lstm(4), merge_mode=concat) dense(1)").toText());
    }

    @Test
    void writesJsonWithEveryFieldAndTheWrappedLayerAsAnObject() {
        NetworkSpec spec = NetworkSpec.parse("embedding(100, 8) bidirectional(lstm(16, return_sequences=true), merge_mode=sum) "
                + "simple_rnn(4, relu) dense(1)");

        assertEquals("{\"layers\":["
                + "{\"type\":\"embedding\",\"vocab\":100,\"dim\":8},"
                + "{\"type\":\"bidirectional\",\"layer\":{\"type\":\"lstm\",\"units\":16,\"activation\":\"tanh\","
                + "\"return_sequences\":true},\"merge_mode\":\"sum\"},"
                + "{\"type\":\"simple_rnn\",\"units\":4,\"activation\":\"relu\",\"return_sequences\":false},"
                + "{\"type\":\"dense\",\"units\":1,\"activation\":\"linear\",\"l1\":0.0,\"l2\":0.0}]}", spec.toJson());
    }

    @Test
    void readsTheWrappedLayerFromJsonAsAnObjectOrAsText() {
        NetworkSpec expected = NetworkSpec.parse("bidirectional(lstm(16)) dense(1)");

        assertEquals(expected, NetworkSpec.parse(
                "[{\"type\":\"bidirectional\",\"layer\":{\"type\":\"lstm\",\"units\":16}},{\"type\":\"dense\",\"units\":1}]"));
        assertEquals(expected, NetworkSpec.parse(
                "[{\"type\":\"bidirectional\",\"layer\":\"lstm(16)\"},{\"type\":\"dense\",\"units\":1}]"));
    }

    @Test
    void builderEqualsParsed() {
        assertEquals(NetworkSpec.parse(SEED), NetworkSpec.builder()
                .lstm(128, "relu", true).dropout(0.2)
                .lstm(64, "relu", false).dropout(0.2)
                .dense(32, "relu").dense(1, "sigmoid")
                .build());
        assertEquals(NetworkSpec.parse("embedding(1000, 16) bidirectional(lstm(32, return_sequences=true)) "
                        + "simple_rnn(8, relu) lstm(4) dense(1)"),
                NetworkSpec.builder()
                        .embedding(1000, 16)
                        .bidirectional(new LstmSpec(32, ActivationSpec.TANH, true))
                        .simpleRnn(8, "relu", false)
                        .lstm(4)
                        .dense(1)
                        .build());
    }

    @Test
    void layersKnowTheirType() {
        assertEquals("lstm", new LstmSpec(1).type());
        assertEquals("simple_rnn", new SimpleRnnSpec(1).type());
        assertEquals("bidirectional", new BidirectionalSpec(new LstmSpec(1)).type());
        assertEquals("embedding", new EmbeddingSpec(2, 1).type());
    }

    @Test
    void classifiesNetworks() {
        assertTrue(NetworkSpec.parse("simple_rnn(4) dense(1)").isRecurrent());
        assertTrue(NetworkSpec.parse("bidirectional(lstm(4)) dense(1)").isRecurrent());
        assertTrue(NetworkSpec.parse("embedding(10, 4) dense(1)").isRecurrent());
        assertFalse(NetworkSpec.parse("dense(4) dense(1)").isRecurrent());
    }

    @Test
    void everyNewLayerSurvivesJavaSerialization() throws Exception {
        NetworkSpec images = NetworkSpec.parse("conv2d(8, 3x5, relu, stride=2, padding=same, l2=0.01) maxpool2d(2, stride=1) "
                + "avgpool2d(2) batchnorm(momentum=0.9) globalmaxpool flatten dense(1)");
        NetworkSpec sequences = NetworkSpec.parse("embedding(100, 8) bidirectional(simple_rnn(4, return_sequences=true), "
                + "merge_mode=mul) lstm(4, relu) dense(1)");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(images);
            out.writeObject(sequences);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(images, in.readObject());
            assertEquals(sequences, in.readObject());
        }
    }

    private static LayerSpec first(String text) {
        return NetworkSpec.parse(text + " dense(1)").layers().get(0);
    }
}
