package io.sparkneural.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonSpecFormatTest {

    @Test
    void readsTheDocumentedForm() {
        NetworkSpec spec = NetworkSpec.parse("{\"layers\":[{\"type\":\"dense\",\"units\":64,\"activation\":\"relu\","
                + "\"l1\":0.0,\"l2\":0.001},{\"type\":\"dropout\",\"rate\":0.2},{\"type\":\"dense\",\"units\":1}]}");

        assertEquals(NetworkSpec.parse("dense(64, relu, l2=0.001) dropout(0.2) dense(1)"), spec);
    }

    @Test
    void readsABareArrayWithDefaultsLeftOut() {
        assertEquals(NetworkSpec.parse("dense(10, softmax)"),
                NetworkSpec.parse("  \n [ {\"type\": \"dense\", \"units\": 10, \"activation\": \"softmax\"} ]"));
    }

    @Test
    void readsActivationsAsTextOrAsObjectsInAnyCase() {
        NetworkSpec expected = NetworkSpec.parse("dense(2, leaky_relu(0.01)) dense(1, elu(0.5))");

        assertEquals(expected, NetworkSpec.parse("[{\"type\":\"Dense\",\"units\":2,\"activation\":\"leaky_relu(0.01)\"},"
                + "{\"type\":\"dense\",\"Units\":1,\"activation\":\"ELU(alpha=0.5)\"}]"));
        assertEquals(expected, NetworkSpec.parse("[{\"type\":\"dense\",\"units\":2,"
                + "\"activation\":{\"type\":\"leaky_relu\",\"alpha\":0.01}},"
                + "{\"type\":\"dense\",\"units\":1,\"activation\":{\"type\":\"elu\",\"alpha\":5e-1}}]"));
    }

    @Test
    void writesLeakyReluAlphaInTheActivationText() {
        assertEquals("{\"layers\":[{\"type\":\"dense\",\"units\":16,\"activation\":\"leaky_relu(0.01)\",\"l1\":0.0,\"l2\":0.0}]}",
                NetworkSpec.parse("dense(16, leaky_relu(0.01))").toJson());
    }

    static Stream<Arguments> badJson() {
        return Stream.of(
                Arguments.of("[{\"type\":\"dens\",\"units\":3}]", "unknown layer 'dens' at 1:11, did you mean 'dense'?"),
                Arguments.of("[{\"type\":\"gru\",\"units\":3}]", "unknown layer 'gru' at 1:11; supported: dense, dropout, "
                        + "conv2d, maxpool2d, avgpool2d, globalavgpool, globalmaxpool, flatten, batchnorm, lstm, simple_rnn, "
                        + "bidirectional, embedding"),
                Arguments.of("[{\"type\":\"lstm\",\"units\":3}]",
                        "the last layer must be dense(...) (the output layer), but was lstm(3) at 1:11"),
                Arguments.of("[{\"type\":\"dense\",\"units\":2,}]",
                        "malformed JSON: Unexpected character ('}' (code 125)): "
                                + "was expecting double-quote to start field name at 1:29"),
                Arguments.of("[{\"type\":\"dense\",\"units\":2}",
                        "malformed JSON: Unexpected end-of-input: expected close marker for Array (opened at 1:1) at 1:28"),
                Arguments.of("{\"layers\":[{\"type\":\"dense\",\"units\":0}]}",
                        "dense units must be a positive integer, but got 0 at 1:36"),
                Arguments.of("[{\"type\":\"dense\",\"units\":2,\"activation\":\"rellu\"}]",
                        "unknown activation 'rellu' at 1:42, did you mean 'relu'?"),
                Arguments.of("[{\"type\":\"dense\",\"units\":2,\"activation\":\"leaky_relu(-2)\"}]",
                        "leaky_relu alpha must be >= 0, but got -2 at 1:53"),
                Arguments.of("[{\"type\":\"dense\",\"units\":2,\"l3\":1}]",
                        "unknown argument 'l3' for dense at 1:28; allowed: activation, l1, l2, units"),
                Arguments.of("[{\"type\":\"dense\",\"units\":2,\"l2\":null}]",
                        "\"l2\" must not be null at 1:33; leave it out to use the default"),
                Arguments.of("[{\"type\":\"dense\",\"units\":[2]}]",
                        "\"units\" must be a number, string, boolean or object, but got an array at 1:26"),
                Arguments.of("[{\"type\":\"dense\",\"units\":2,\"activation\":\"\"}]",
                        "\"activation\" must not be an empty string at 1:41"),
                Arguments.of("[{\"units\":2}]", "missing field \"type\" at 1:2, e.g. {\"type\":\"dense\",\"units\":10}"),
                Arguments.of("[{\"type\":3}]", "\"type\" must be a string such as \"dense\", but got 3 at 1:10"),
                Arguments.of("[{\"type\":\"dense\",\"type\":\"dense\"}]", "duplicate field 'type' at 1:18"),
                Arguments.of("[\"dense(2)\"]",
                        "expected a layer object such as {\"type\":\"dense\",\"units\":10} but found dense(2) at 1:2"),
                Arguments.of("{\"layer\":[]}", "unknown field 'layer' at 1:2; allowed: layers"),
                Arguments.of("{\"layers\":{}}", "\"layers\" must be an array of layer objects at 1:11"),
                Arguments.of("{}", "missing field \"layers\" at 1:1, e.g. "
                        + "{\"layers\":[{\"type\":\"dense\",\"units\":10,\"activation\":\"softmax\"}]}"),
                Arguments.of("[{\"type\":\"dense\",\"units\":1}] []", "unexpected content after the layer specification at 1:30"),
                Arguments.of("[{\"type\":\"dropout\",\"rate\":0.5}]",
                        "the last layer must be dense(...) (the output layer), but was dropout(0.5) at 1:11"));
    }

    @ParameterizedTest
    @MethodSource("badJson")
    void explainsBadJsonWithPosition(String json, String message) {
        assertEquals(message, assertThrows(SpecParseException.class, () -> NetworkSpec.parse(json)).getMessage());
    }

    @Test
    void reportsJacksonsLineAndColumn() {
        SpecParseException e = assertThrows(SpecParseException.class,
                () -> NetworkSpec.parse("{\"layers\": [\n  {\"type\": \"dense\",\n   \"units\": 2,, }\n]}"));

        // Jackson's position, which for an unexpected character is just past it
        assertEquals(3, e.line());
        assertEquals(16, e.column());
        assertEquals("malformed JSON: Unexpected character (',' (code 44)): was expecting double-quote to start field name",
                e.reason());
    }

    @Test
    void pointsIntoMultiLineJson() {
        SpecParseException e = assertThrows(SpecParseException.class,
                () -> NetworkSpec.parse("{\"layers\": [\n  {\"type\": \"dense\",\n   \"units\": 0}\n]}"));

        assertEquals("dense units must be a positive integer, but got 0 at 3:13", e.getMessage());
    }

    @Test
    void emptyLayerArrayIsEmpty() {
        assertEquals(NetworkSpec.EMPTY, assertThrows(SpecParseException.class, () -> NetworkSpec.parse("[]")).getMessage());
        assertEquals(NetworkSpec.EMPTY,
                assertThrows(SpecParseException.class, () -> NetworkSpec.parse("{\"layers\": []}")).getMessage());
    }
}
