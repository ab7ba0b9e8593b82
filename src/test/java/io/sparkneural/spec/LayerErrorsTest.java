package io.sparkneural.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad image and sequence layers give the exact message, with the position of the offending token. */
class LayerErrorsTest {

    private static final String SIZE = " must be a positive integer or height x width such as 3 or 3x5, but got ";

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                // conv2d
                Arguments.of("conv2d(32, 0, relu) dense(1)", "conv2d kernel" + SIZE + "0 at 1:12"),
                Arguments.of("conv2d(32, 0x3) dense(1)", "conv2d kernel" + SIZE + "0x3 at 1:12"),
                Arguments.of("conv2d(32, 3x3x3) dense(1)", "conv2d kernel" + SIZE + "3x3x3 at 1:12"),
                Arguments.of("conv2d(32, 1.5) dense(1)", "conv2d kernel" + SIZE + "1.5 at 1:12"),
                Arguments.of("conv2d(32, relu) dense(1)", "conv2d kernel" + SIZE + "relu at 1:12"),
                Arguments.of("conv2d(32, 3x, relu) dense(1)", "malformed number '3x' at 1:12"),
                Arguments.of("conv2d(32, 3, stride=0) dense(1)", "conv2d stride" + SIZE + "0 at 1:22"),
                Arguments.of("conv2d(32, 3x3, padding=full) dense(1)", "padding must be valid or same, but got full at 1:25"),
                Arguments.of("conv2d(0, 3) dense(1)", "conv2d filters must be a positive integer, but got 0 at 1:8"),
                Arguments.of("conv2d(8, 3, l2=-1) dense(1)", "conv2d l2 must be >= 0, but got -1 at 1:17"),
                Arguments.of("conv2d(32, 3, relu, 2) dense(1)",
                        "too many positional arguments for conv2d at 1:21; expected at most 3: filters, kernel, activation"),
                Arguments.of("conv2d(32, 3, strides=2) dense(1)",
                        "unknown argument 'strides' for conv2d at 1:15; allowed: activation, filters, kernel, l1, l2, padding, stride"),
                Arguments.of("conv2d(32) dense(1)", "missing argument 'kernel' for conv2d at 1:1; e.g. conv2d(32, 3x3, relu)"),
                // pooling, flatten, batchnorm
                Arguments.of("maxpool2d(0) dense(1)", "maxpool2d size" + SIZE + "0 at 1:11"),
                Arguments.of("avgpool2d(2, stride=0x1) dense(1)", "avgpool2d stride" + SIZE + "0x1 at 1:21"),
                Arguments.of("avgpool2d(2, padding=1) dense(1)", "padding must be valid or same, but got 1 at 1:22"),
                Arguments.of("maxpool2d(2, 2) dense(1)",
                        "too many positional arguments for maxpool2d at 1:14; expected at most 1: size"),
                Arguments.of("flatten(3) dense(1)",
                        "too many positional arguments for flatten at 1:9; flatten takes no arguments"),
                Arguments.of("globalavgpool(x=1) dense(1)",
                        "unknown argument 'x' for globalavgpool at 1:15; globalavgpool takes no arguments"),
                Arguments.of("batchnorm(0.9) dense(1)", "too many positional arguments for batchnorm at 1:11; "
                        + "batchnorm takes keyword arguments only: epsilon, momentum"),
                Arguments.of("batchnorm(momentum=1) dense(1)", "batchnorm momentum must be in [0, 1), but got 1 at 1:20"),
                Arguments.of("batchnorm(epsilon=0) dense(1)", "batchnorm epsilon must be > 0, but got 0 at 1:19"),
                Arguments.of("flaten dense(1)", "unknown layer 'flaten' at 1:1, did you mean 'flatten'?"),
                // recurrent
                Arguments.of("lstm(64, dropout=0.2) dense(1)",
                        "unknown argument 'dropout' for lstm at 1:10; allowed: activation, return_sequences, units"),
                Arguments.of("lstm(64, relu, true) dense(1)",
                        "too many positional arguments for lstm at 1:16; expected at most 2: units, activation"),
                Arguments.of("lstm(64, return_sequences=yes) dense(1)",
                        "lstm return_sequences must be true or false, but got yes at 1:27"),
                Arguments.of("lstm(0) dense(1)", "lstm units must be a positive integer, but got 0 at 1:6"),
                Arguments.of("simple_rnn(8, rellu) dense(1)", "unknown activation 'rellu' at 1:15, did you mean 'relu'?"),
                Arguments.of("lstmm(3) dense(1)", "unknown layer 'lstmm' at 1:1, did you mean 'lstm'?"),
                Arguments.of("bidirectional(dense(64)) dense(1)",
                        "bidirectional wraps lstm(...) or simple_rnn(...), but got dense(...) at 1:15"),
                Arguments.of("bidirectional(bidirectional(lstm(4))) dense(1)",
                        "bidirectional wraps lstm(...) or simple_rnn(...), but got bidirectional(...) at 1:15"),
                Arguments.of("bidirectional(flatten) dense(1)",
                        "bidirectional wraps lstm(...) or simple_rnn(...), but got flatten at 1:15"),
                Arguments.of("bidirectional(3) dense(1)",
                        "bidirectional wraps lstm(...) or simple_rnn(...), but got 3 at 1:15"),
                Arguments.of("bidirectional(lstn(64)) dense(1)", "unknown layer 'lstn' at 1:15, did you mean 'lstm'?"),
                Arguments.of("bidirectional(lstm(0)) dense(1)", "lstm units must be a positive integer, but got 0 at 1:20"),
                Arguments.of("bidirectional(lstm(4), merge_mode=max) dense(1)",
                        "merge_mode must be concat, sum, mul or ave, but got max at 1:35"),
                Arguments.of("bidirectional() dense(1)",
                        "missing argument 'layer' for bidirectional at 1:1; e.g. bidirectional(lstm(64))"),
                Arguments.of("embedding(0, 8) dense(1)", "embedding vocab must be a positive integer, but got 0 at 1:11"),
                Arguments.of("embedding(10, 2.5) dense(1)", "embedding dim must be a positive integer, but got 2.5 at 1:15"),
                Arguments.of("embedding(10) dense(1)", "missing argument 'dim' for embedding at 1:1; e.g. embedding(10000, 64)"),
                // bare names that need arguments
                Arguments.of("conv2d dense(1)", "conv2d needs filters and kernel, e.g. conv2d(32, 3x3, relu) at 1:1"),
                Arguments.of("maxpool2d dense(1)", "maxpool2d needs size, e.g. maxpool2d(2x2) at 1:1"),
                Arguments.of("dense(4)\nlstm dense(1)", "lstm needs units, e.g. lstm(64) at 2:1"),
                Arguments.of("simple_rnn dense(1)", "simple_rnn needs units, e.g. simple_rnn(32) at 1:1"),
                Arguments.of("bidirectional dense(1)", "bidirectional needs layer, e.g. bidirectional(lstm(64)) at 1:1"),
                Arguments.of("bidirectional(lstm) dense(1)", "lstm needs units, e.g. lstm(64) at 1:15"),
                Arguments.of("embedding dense(1)", "embedding needs vocab and dim, e.g. embedding(10000, 64) at 1:1"),
                Arguments.of("dense(64) dropout", "dropout needs rate, e.g. dropout(0.2) at 1:11"),
                // the output layer is still dense
                Arguments.of("dense(8) flatten", "the last layer must be dense(...) (the output layer), but was flatten at 1:10"),
                Arguments.of("conv2d(8, 3)", "the last layer must be dense(...) (the output layer), but was conv2d(8, 3x3) at 1:1"),
                Arguments.of("lstm(3, return_sequences=true)",
                        "the last layer must be dense(...) (the output layer), but was lstm(3, return_sequences=true) at 1:1"));
    }

    @ParameterizedTest
    @MethodSource("badSpecs")
    void explainsWhatIsWrongAndWhere(String text, String message) {
        assertEquals(message, assertThrows(SpecParseException.class, () -> NetworkSpec.parse(text)).getMessage());
    }

    static Stream<Arguments> badJson() {
        String dense = ",{\"type\":\"dense\",\"units\":1}]";
        return Stream.of(
                Arguments.of("[{\"type\":\"conv2d\",\"filters\":8,\"kernel\":\"3x\"}" + dense, "malformed number '3x' at 1:41"),
                Arguments.of("[{\"type\":\"conv2d\",\"filters\":8,\"kernel\":0}" + dense, "conv2d kernel" + SIZE + "0 at 1:40"),
                Arguments.of("[{\"type\":\"conv2d\",\"filters\":8,\"kernel\":\"3x3\",\"padding\":\"full\"}" + dense,
                        "padding must be valid or same, but got full at 1:57"),
                Arguments.of("[{\"type\":\"conv2d\",\"filters\":8,\"kernel\":[3,3]}" + dense,
                        "\"kernel\" must be a number, string, boolean or object, but got an array at 1:40"),
                Arguments.of("[{\"type\":\"bidirectional\",\"layer\":{\"type\":\"dense\",\"units\":2}}" + dense,
                        "bidirectional wraps lstm(...) or simple_rnn(...), but got dense(...) at 1:43"),
                Arguments.of("[{\"type\":\"bidirectional\"}" + dense,
                        "missing argument 'layer' for bidirectional at 1:11; e.g. bidirectional(lstm(64))"),
                Arguments.of("[{\"type\":\"lstm\",\"units\":2,\"return_sequences\":1}" + dense,
                        "lstm return_sequences must be true or false, but got 1 at 1:46"),
                Arguments.of("[{\"type\":\"embedding\",\"vocab\":0,\"dim\":4}" + dense,
                        "embedding vocab must be a positive integer, but got 0 at 1:30"));
    }

    @ParameterizedTest
    @MethodSource("badJson")
    void explainsBadJsonWithPosition(String json, String message) {
        assertEquals(message, assertThrows(SpecParseException.class, () -> NetworkSpec.parse(json)).getMessage());
    }

    @Test
    void recordsCheckTheirFields() {
        ActivationSpec linear = ActivationSpec.LINEAR;
        assertRejects("conv2d filters must be a positive integer, but got 0", () -> new Conv2dSpec(0, 3, linear));
        assertRejects("conv2d kernel height must be a positive integer, but got 0",
                () -> new Conv2dSpec(3, 0, 3, 1, 1, "valid", linear, 0, 0));
        assertRejects("conv2d stride width must be a positive integer, but got 0",
                () -> new Conv2dSpec(3, 3, 3, 1, 0, "valid", linear, 0, 0));
        assertRejects("padding must be valid or same, but got full",
                () -> new Conv2dSpec(3, 3, 3, 1, 1, "full", linear, 0, 0));
        assertRejects("padding must be valid or same, but got null",
                () -> new Conv2dSpec(3, 3, 3, 1, 1, null, linear, 0, 0));
        assertRejects("conv2d activation must not be null; use ActivationSpec.LINEAR for none",
                () -> new Conv2dSpec(3, 3, null));
        assertRejects("conv2d l1 must be >= 0, but got NaN",
                () -> new Conv2dSpec(3, 3, 3, 1, 1, "valid", linear, Double.NaN, 0));
        assertRejects("pool kind must be max or avg, but got min", () -> new Pool2dSpec("min", 2, 2, 2, 2));
        assertRejects("maxpool2d size width must be a positive integer, but got 0", () -> new Pool2dSpec("max", 2, 0, 2, 2));
        assertRejects("avgpool2d stride width must be a positive integer, but got -1",
                () -> new Pool2dSpec("avg", 2, 2, 2, -1));
        assertRejects("padding must be valid or same, but got full", () -> new Pool2dSpec("avg", 2, 2, 2, 2, "full"));
        assertRejects("pool kind must be max or avg, but got sum", () -> new GlobalPoolSpec("sum"));
        assertRejects("batchnorm momentum must be in [0, 1), but got 1", () -> new BatchNormSpec(1.0, 0.001));
        assertRejects("batchnorm epsilon must be > 0, but got 0", () -> new BatchNormSpec(0.9, 0));
        assertRejects("lstm units must be a positive integer, but got 0", () -> new LstmSpec(0));
        assertRejects("lstm activation must not be null; use ActivationSpec.TANH for Keras' default",
                () -> new LstmSpec(3, null, false));
        assertRejects("simple_rnn units must be a positive integer, but got -1", () -> new SimpleRnnSpec(-1));
        assertRejects("bidirectional wraps lstm(...) or simple_rnn(...), but got dense(3)",
                () -> new BidirectionalSpec(new DenseSpec(3)));
        assertRejects("bidirectional wraps lstm(...) or simple_rnn(...), but got null", () -> new BidirectionalSpec(null));
        assertRejects("bidirectional wraps lstm(...) or simple_rnn(...), but got bidirectional(lstm(3))",
                () -> new BidirectionalSpec(new BidirectionalSpec(new LstmSpec(3))));
        assertRejects("merge_mode must be concat, sum, mul or ave, but got max",
                () -> new BidirectionalSpec(new LstmSpec(3), "max"));
        assertRejects("embedding vocab must be a positive integer, but got 0", () -> new EmbeddingSpec(0, 3));
        assertRejects("embedding dim must be a positive integer, but got 0", () -> new EmbeddingSpec(3, 0));
    }

    @Test
    void builderChecksEachLayer() {
        assertRejects("conv2d filters must be a positive integer, but got 0", () -> NetworkSpec.builder().conv2d(0, 3, "relu"));
        assertRejects("padding must be valid or same, but got full",
                () -> NetworkSpec.builder().conv2d(8, 3, "relu", 1, "full"));
        assertRejects("maxpool2d size height must be a positive integer, but got 0", () -> NetworkSpec.builder().maxPool2d(0));
        assertRejects("bidirectional wraps lstm(...) or simple_rnn(...), but got flatten",
                () -> NetworkSpec.builder().bidirectional(new FlattenSpec()));
        assertRejects("the last layer must be dense(...) (the output layer), but was flatten",
                () -> NetworkSpec.builder().conv2d(8, 3, "relu").flatten().build());
        assertEquals("unknown activation 'rellu' at 1:1, did you mean 'relu'?",
                assertThrows(SpecParseException.class, () -> NetworkSpec.builder().lstm(3, "rellu", false)).getMessage());
    }

    private static void assertRejects(String message, Executable construction) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, construction).getMessage());
    }
}
