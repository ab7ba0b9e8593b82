package io.sparkneural.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every bad compact text gives the exact message, with the position of the offending token. */
class NetworkSpecErrorsTest {

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                // the brief's required wording
                Arguments.of("dense(64, rellu)", "unknown activation 'rellu' at 1:11, did you mean 'relu'?"),
                Arguments.of("dens(10)", "unknown layer 'dens' at 1:1, did you mean 'dense'?"),
                Arguments.of("dense(64) attention(3)", "unknown layer 'attention' at 1:11; supported: dense, dropout, "
                        + "conv2d, maxpool2d, avgpool2d, globalavgpool, globalmaxpool, flatten, batchnorm, lstm, simple_rnn, "
                        + "bidirectional, embedding"),
                Arguments.of("dense(64) conv2d(3)", "missing argument 'kernel' for conv2d at 1:11; e.g. conv2d(32, 3x3, relu)"),
                Arguments.of("dense(64, foo)", "unknown activation 'foo' at 1:11; supported: relu, relu6, sigmoid, tanh, "
                        + "leaky_relu, elu, selu, gelu, swish, mish, softplus, softsign, softmax, linear"),
                Arguments.of("dense", "dense needs units, e.g. dense(64, relu) at 1:1"),
                Arguments.of("dense()", "missing argument 'units' for dense at 1:1; e.g. dense(64, relu)"),
                Arguments.of("dense(activation=relu)", "missing argument 'units' for dense at 1:1; e.g. dense(64, relu)"),
                Arguments.of("dense(8) dropout()", "missing argument 'rate' for dropout at 1:10; e.g. dropout(0.2)"),
                Arguments.of("dense(0)", "dense units must be a positive integer, but got 0 at 1:7"),
                Arguments.of("dense(-4)", "dense units must be a positive integer, but got -4 at 1:7"),
                Arguments.of("dense(64.5)", "dense units must be a positive integer, but got 64.5 at 1:7"),
                Arguments.of("dense(relu)", "dense units must be a positive integer, but got relu at 1:7"),
                Arguments.of("dense(3x3)", "dense units must be a positive integer, but got 3x3 at 1:7"),
                Arguments.of("dense(64, relu, 0.1)",
                        "too many positional arguments for dense at 1:17; expected at most 2: units, activation"),
                Arguments.of("dense(64, relu, l3=0.1)",
                        "unknown argument 'l3' for dense at 1:17; allowed: activation, l1, l2, units"),
                Arguments.of("dense(64, units=32)",
                        "duplicate argument 'units' for dense at 1:11; it was already given at 1:7"),
                Arguments.of("dense(64, l2=0.1, L2=0.2)",
                        "duplicate argument 'l2' for dense at 1:19; it was already given at 1:11"),
                Arguments.of("dense(64, relu, l2=-0.001)", "dense l2 must be >= 0, but got -0.001 at 1:20"),
                Arguments.of("dense(64, l1=x)", "dense l1 must be >= 0, but got x at 1:14"),
                Arguments.of("dropout(1.5) dense(1)", "dropout rate must be in [0, 1), but got 1.5 at 1:9"),
                Arguments.of("dropout(1) dense(1)", "dropout rate must be in [0, 1), but got 1 at 1:9"),
                Arguments.of("dropout(-0.1) dense(1)", "dropout rate must be in [0, 1), but got -0.1 at 1:9"),
                Arguments.of("dense(10, relu", "expected ')' but found end of input at 1:15"),
                Arguments.of("dense(10 relu)", "expected ',' or ')' but found 'relu' at 1:10"),
                Arguments.of("dense(10, relu,)", "expected an argument but found ')' at 1:16"),
                Arguments.of("dense(10, l2=)", "expected an argument but found ')' at 1:14"),
                Arguments.of("dense(l2=0.1, 10)", "positional argument follows keyword argument at 1:15; write it as name=value"),
                Arguments.of("dense(10, softmax) $", "unexpected character '$' at 1:20"),
                Arguments.of("dense(10; softmax)", "unexpected character ';' at 1:9"),
                Arguments.of("dense(10) 5", "expected a layer such as dense(10, softmax) but found '5' at 1:11"),
                Arguments.of("dense(10))", "expected a layer such as dense(10, softmax) but found ')' at 1:10"),
                Arguments.of(", dense(10)", "expected a layer such as dense(10, softmax) but found ',' at 1:1"),
                Arguments.of("dense(10) ->", "expected a layer such as dense(10, softmax) but found end of input at 1:13"),
                Arguments.of("dense(10),, dense(2)", "expected a layer such as dense(10, softmax) but found ',' at 1:11"),
                Arguments.of("dense(64relu)", "malformed number '64relu' at 1:7"),
                Arguments.of("dense(1.2.3)", "malformed number '1.2.3' at 1:7"),
                Arguments.of("dense(2, l2=1e)", "malformed number '1e' at 1:13"),
                Arguments.of("dense(2, leaky_relu(-0.1))", "leaky_relu alpha must be >= 0, but got -0.1 at 1:21"),
                Arguments.of("dense(2, leaky_relu(alpha=-1))", "leaky_relu alpha must be >= 0, but got -1 at 1:27"),
                Arguments.of("dense(2, leaky_relu(0.1, 0.2))",
                        "too many positional arguments for leaky_relu at 1:26; expected at most 1: alpha"),
                Arguments.of("dense(2, relu(0.1))", "too many positional arguments for relu at 1:15; relu takes no arguments"),
                Arguments.of("dense(2, relu(alpha=0.1))", "unknown argument 'alpha' for relu at 1:15; relu takes no arguments"),
                Arguments.of("dense(2, 7)",
                        "dense activation must be an activation such as relu or leaky_relu(0.01), but got 7 at 1:10"),
                Arguments.of("dense(4) dropout(0.2)",
                        "the last layer must be dense(...) (the output layer), but was dropout(0.2) at 1:10"));
    }

    @ParameterizedTest
    @MethodSource("badSpecs")
    void explainsWhatIsWrongAndWhere(String text, String message) {
        assertEquals(message, assertThrows(SpecParseException.class, () -> NetworkSpec.parse(text)).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n\t\n"})
    void rejectsAnEmptySpecification(String text) {
        SpecParseException e = assertThrows(SpecParseException.class, () -> NetworkSpec.parse(text));

        assertEquals("the layer specification is empty: expected at least one layer such as dense(10, softmax)",
                e.getMessage());
    }

    @Test
    void rejectsNullAsEmpty() {
        assertEquals(NetworkSpec.EMPTY,
                assertThrows(SpecParseException.class, () -> NetworkSpec.parse(null)).getMessage());
    }

    @Test
    void exposesReasonLineColumnAndAdvice() {
        SpecParseException e = assertThrows(SpecParseException.class, () -> NetworkSpec.parse("dense(64, rellu)"));

        assertEquals("unknown activation 'rellu'", e.reason());
        assertEquals(1, e.line());
        assertEquals(11, e.column());
        assertEquals(", did you mean 'relu'?", e.advice());
    }

    @Test
    void countsLinesAndColumnsAcrossNewlines() {
        SpecParseException e = assertThrows(SpecParseException.class,
                () -> NetworkSpec.parse("dense(64, relu)\n  dropout(0.2)\n  dense(10, sofmax)\n"));

        assertEquals("unknown activation 'sofmax' at 3:13, did you mean 'softmax'?", e.getMessage());
        assertEquals(3, e.line());
        assertEquals(13, e.column());
    }
}
