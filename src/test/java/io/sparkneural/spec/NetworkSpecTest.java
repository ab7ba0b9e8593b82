package io.sparkneural.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkSpecTest {

    private static final ActivationSpec RELU = ActivationSpec.of("relu");

    @Test
    void parsesTheMlpExample() {
        NetworkSpec spec = NetworkSpec.parse("dense(64, relu) dropout(0.2) dense(32, relu) dropout(0.2) dense(10, softmax)");

        assertEquals(List.of(
                new DenseSpec(64, RELU), new DropoutSpec(0.2),
                new DenseSpec(32, RELU), new DropoutSpec(0.2),
                new DenseSpec(10, ActivationSpec.of("softmax"))), spec.layers());
        assertEquals(new DenseSpec(10, ActivationSpec.of("softmax")), spec.outputLayer());
    }

    @Test
    void parsesEachSingleLayerExample() {
        assertEquals(new DenseSpec(128, RELU, 0.0, 0.001), only("dense(128, relu, l2=0.001)"));
        assertEquals(new DenseSpec(16, new ActivationSpec("leaky_relu", 0.01)), only("dense(16, leaky_relu(0.01))"));
        assertEquals(new DenseSpec(8, new ActivationSpec("tanh", Double.NaN), 1e-4, 0.0), only("dense(8, tanh, l1=1e-4)"));
        assertEquals(new DenseSpec(1, new ActivationSpec("sigmoid", Double.NaN)), only("dense(1, sigmoid)"));
    }

    @Test
    void denseDefaultsToLinearWithoutPenalties() {
        DenseSpec dense = (DenseSpec) only("dense(5)");

        assertEquals(ActivationSpec.LINEAR, dense.activation());
        assertEquals("linear", dense.activation().name());
        assertEquals(0.0, dense.l1());
        assertEquals(0.0, dense.l2());
    }

    @Test
    void activationMayBeGivenByKeywordAndAlphaByKeyword() {
        assertEquals(only("dense(64, relu)"), only("dense(64, activation=relu)"));
        assertEquals(only("dense(64, relu)"), only("dense(units=64, activation=relu)"));
        assertEquals(only("dense(16, leaky_relu(0.01))"), only("dense(16, leaky_relu(alpha=0.01))"));
        assertEquals(only("dense(16, leaky_relu(0.01))"), only("dense(16, activation=leaky_relu(0.01))"));
    }

    @Test
    void acceptsEveryNumberForm() {
        assertEquals(0.001, ((DenseSpec) only("dense(1, l2=0.001)")).l2());
        assertEquals(1e-4, ((DenseSpec) only("dense(1, l2=1e-4)")).l2());
        assertEquals(2.5e-3, ((DenseSpec) only("dense(1, l2=2.5E-3)")).l2());
        assertEquals(0.5, ((DenseSpec) only("dense(1, l2=.5)")).l2());
        assertEquals(3.0, ((DenseSpec) only("dense(1, l2=3)")).l2());
        assertEquals(1.0, ((DenseSpec) only("dense(1, l2=+1e0)")).l2());
    }

    @Test
    void namesAreCaseInsensitiveAndWrittenLowerCase() {
        NetworkSpec spec = NetworkSpec.parse("DENSE(64, ReLU, L2=1E-3) Dropout(RATE=0.5) Dense(3, SoftMax)");

        assertEquals(NetworkSpec.parse("dense(64, relu, l2=0.001) dropout(0.5) dense(3, softmax)"), spec);
        assertEquals("dense(64, relu, l2=0.001) dropout(0.5) dense(3, softmax)", spec.toText());
    }

    @Test
    void layersMayBeSeparatedByNewlinesCommasOrArrows() {
        NetworkSpec expected = NetworkSpec.parse("dense(8, relu) dropout(0.1) dense(1, sigmoid)");

        assertEquals(expected, NetworkSpec.parse("dense(8, relu)\ndropout(0.1)\r\n\tdense(1, sigmoid)\n"));
        assertEquals(expected, NetworkSpec.parse("dense(8, relu), dropout(0.1), dense(1, sigmoid)"));
        assertEquals(expected, NetworkSpec.parse("dense(8, relu) -> dropout(0.1) -> dense(1, sigmoid)"));
        assertEquals(expected, NetworkSpec.parse("dense(8,relu)->dropout(0.1),dense(1,sigmoid)"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "dense(64, relu) dropout(0.2) dense(32, relu) dropout(0.2) dense(10, softmax)",
        "dense(128, relu, l2=0.001)",
        "dense(16, leaky_relu(0.01))",
        "dense(8, tanh, l1=1e-4)",
        "dense(1, sigmoid)",
        "dense(4) dropout(0) dense(2, elu(0.5), l1=0.5, l2=2.5e-7) dense(1, leaky_relu)",
        "dense(3, l1=0.01)",
        "dense(2, silu) dense(2, identity) dense(2, LeakyReLU(alpha=1e-3))",
    })
    void roundTripsThroughTextAndJson(String text) {
        NetworkSpec spec = NetworkSpec.parse(text);

        assertEquals(spec, NetworkSpec.parse(spec.toText()));
        assertEquals(spec, NetworkSpec.parse(spec.toJson()));
        assertEquals(spec.toText(), NetworkSpec.parse(spec.toJson()).toText());
    }

    @Test
    void writesCanonicalTextLeavingOutDefaults() {
        assertEquals("dense(64, relu) dropout(0.2) dense(10, softmax)",
                NetworkSpec.parse("dense(64, activation=relu, l1=0) dropout(rate=0.2) dense(units=10, activation=softmax)")
                        .toText());
        assertEquals("dense(64, l2=0.001)", NetworkSpec.parse("dense(64, linear, l2=0.001)").toText());
        assertEquals("dense(8, tanh, l1=1e-4)", NetworkSpec.parse("dense(8, tanh, l1=0.0001)").toText());
        assertEquals("dense(2, leaky_relu) dense(2, swish) dense(1)",
                NetworkSpec.parse("dense(2, leaky_relu(0.2)) dense(2, silu) dense(1, identity)").toText());
    }

    @Test
    void writesJsonWithEveryField() {
        NetworkSpec spec = NetworkSpec.parse("dense(64, relu, l2=0.001) dropout(0.2) dense(1, sigmoid)");

        assertEquals("{\"layers\":["
                + "{\"type\":\"dense\",\"units\":64,\"activation\":\"relu\",\"l1\":0.0,\"l2\":0.001},"
                + "{\"type\":\"dropout\",\"rate\":0.2},"
                + "{\"type\":\"dense\",\"units\":1,\"activation\":\"sigmoid\",\"l1\":0.0,\"l2\":0.0}]}", spec.toJson());
    }

    @Test
    void builderEqualsParsed() {
        NetworkSpec built = NetworkSpec.builder().dense(64, "relu").dropout(0.2).dense(10, "softmax").build();

        assertEquals(NetworkSpec.parse("dense(64, relu) dropout(0.2) dense(10, softmax)"), built);
        assertEquals(NetworkSpec.parse("dense(128, relu, l1=1e-4, l2=0.001) dense(16, leaky_relu(0.01)) dense(1)"),
                NetworkSpec.builder()
                        .dense(128, "relu", 1e-4, 0.001)
                        .add(new DenseSpec(16, ActivationSpec.of("leaky_relu(0.01)")))
                        .dense(1)
                        .build());
    }

    @Test
    void builderChecksEachLayerAndTheWhole() {
        assertEquals("dense units must be a positive integer, but got 0",
                assertThrows(IllegalArgumentException.class, () -> NetworkSpec.builder().dense(0, "relu")).getMessage());
        assertEquals("dropout rate must be in [0, 1), but got 1",
                assertThrows(IllegalArgumentException.class, () -> NetworkSpec.builder().dropout(1.0)).getMessage());
        assertEquals("dense l2 must be >= 0, but got -0.1",
                assertThrows(IllegalArgumentException.class,
                        () -> NetworkSpec.builder().dense(3, "relu", 0, -0.1)).getMessage());
        assertEquals("unknown activation 'rellu' at 1:1, did you mean 'relu'?",
                assertThrows(SpecParseException.class, () -> NetworkSpec.builder().dense(3, "rellu")).getMessage());
        assertEquals("layer 2 is null",
                assertThrows(IllegalArgumentException.class, () -> NetworkSpec.builder().dense(3).add(null)).getMessage());
        assertEquals(NetworkSpec.EMPTY,
                assertThrows(IllegalArgumentException.class, () -> NetworkSpec.builder().build()).getMessage());
        assertEquals("the last layer must be dense(...) (the output layer), but was dropout(0.5)",
                assertThrows(IllegalArgumentException.class,
                        () -> NetworkSpec.builder().dense(3).dropout(0.5).build()).getMessage());
    }

    @Test
    void keepsAnImmutableCopyOfTheLayers() {
        List<LayerSpec> layers = new ArrayList<>(List.of(new DenseSpec(2)));
        NetworkSpec spec = new NetworkSpec(layers);
        layers.add(new DropoutSpec(0.1));

        assertEquals(1, spec.layers().size());
        assertThrows(UnsupportedOperationException.class, () -> spec.layers().add(new DenseSpec(1)));
    }

    @Test
    void recordsCheckTheirFields() {
        assertEquals("dense units must be a positive integer, but got -3",
                assertThrows(IllegalArgumentException.class, () -> new DenseSpec(-3)).getMessage());
        assertEquals("dense l1 must be >= 0, but got NaN",
                assertThrows(IllegalArgumentException.class,
                        () -> new DenseSpec(3, ActivationSpec.LINEAR, Double.NaN, 0)).getMessage());
        assertEquals("dense l2 must be >= 0, but got Infinity",
                assertThrows(IllegalArgumentException.class,
                        () -> new DenseSpec(3, ActivationSpec.LINEAR, 0, Double.POSITIVE_INFINITY)).getMessage());
        assertEquals("dense activation must not be null; use ActivationSpec.LINEAR for none",
                assertThrows(IllegalArgumentException.class, () -> new DenseSpec(3, null)).getMessage());
        assertEquals("dropout rate must be in [0, 1), but got -0.5",
                assertThrows(IllegalArgumentException.class, () -> new DropoutSpec(-0.5)).getMessage());
        assertEquals("layer 1 of 2 is null",
                assertThrows(IllegalArgumentException.class,
                        () -> new NetworkSpec(Arrays.<LayerSpec>asList(null, new DenseSpec(1)))).getMessage());
    }

    @Test
    void negativeZeroIsZero() {
        assertEquals(new DenseSpec(1, ActivationSpec.LINEAR, 0.0, 0.0), only("dense(1, l1=-0, l2=-0.0)"));
        assertEquals(new DropoutSpec(0.0), new DropoutSpec(-0.0));
    }

    @Test
    void layersKnowTheirType() {
        assertEquals("dense", new DenseSpec(1).type());
        assertEquals("dropout", new DropoutSpec(0.5).type());
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        NetworkSpec spec = NetworkSpec.parse("dense(16, leaky_relu(0.01), l2=0.001) dropout(0.2) dense(1, sigmoid)");

        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(spec);
            out.writeObject(OptimizerSpec.sgd(0.9, true));
        }
        try (java.io.ObjectInputStream in =
                new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(spec, in.readObject());
            assertEquals(OptimizerSpec.sgd(0.9, true), in.readObject());
        }
    }

    private static LayerSpec only(String text) {
        List<LayerSpec> layers = NetworkSpec.parse(text).layers();
        assertEquals(1, layers.size(), text);
        return layers.get(0);
    }
}
