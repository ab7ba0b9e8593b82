package io.sparkneural.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class OptimizerSpecTest {

    @Test
    void parsesWithKerasDefaults() {
        OptimizerSpec adam = OptimizerSpec.parse("adam");
        assertEquals("adam", adam.name());
        assertEquals(0.9, adam.beta1());
        assertEquals(0.999, adam.beta2());
        assertEquals(1e-7, adam.epsilon());
        assertTrue(Double.isNaN(adam.momentum()));
        assertTrue(Double.isNaN(adam.rho()));
        assertFalse(adam.nesterov());

        OptimizerSpec sgd = OptimizerSpec.parse("sgd");
        assertEquals(0.0, sgd.momentum());
        assertFalse(sgd.nesterov());
        assertTrue(Double.isNaN(sgd.epsilon()));

        OptimizerSpec rmsprop = OptimizerSpec.parse("rmsprop");
        assertEquals(0.9, rmsprop.rho());
        assertEquals(1e-7, rmsprop.epsilon());
        assertTrue(Double.isNaN(rmsprop.momentum()));

        assertEquals(1e-7, OptimizerSpec.parse("adagrad").epsilon());
    }

    @Test
    void parsesTheExamples() {
        assertEquals(OptimizerSpec.sgd(0.9, true), OptimizerSpec.parse("sgd(momentum=0.9, nesterov=true)"));
        assertEquals(OptimizerSpec.adam(), OptimizerSpec.parse("adam(beta1=0.9, beta2=0.999, epsilon=1e-7)"));
        assertEquals(OptimizerSpec.rmsprop(), OptimizerSpec.parse("rmsprop(rho=0.9)"));
        assertEquals(OptimizerSpec.adam(0.8, 0.99, 1e-8), OptimizerSpec.parse("ADAM(Beta1=0.8, BETA2=0.99, epsilon=1E-8)"));
        assertEquals(OptimizerSpec.adagrad(1e-6), OptimizerSpec.parse("adagrad(epsilon=1e-6)"));
        assertEquals(OptimizerSpec.sgd(0.5, false), OptimizerSpec.parse("sgd(momentum=0.5, nesterov=FALSE)"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"adam", "sgd", "rmsprop", "adagrad", "sgd(momentum=0.9, nesterov=true)", "sgd(momentum=0.5)",
        "adam(beta1=0.8, epsilon=1e-8)", "rmsprop(rho=0.95, epsilon=1e-6)", "adagrad(epsilon=0.001)"})
    void roundTripsThroughText(String text) {
        OptimizerSpec spec = OptimizerSpec.parse(text);

        assertEquals(text, spec.toText());
        assertEquals(spec, OptimizerSpec.parse(spec.toText()));
    }

    @Test
    void writesDefaultsAsTheBareName() {
        assertEquals("adam", OptimizerSpec.parse("adam(beta1=0.9, beta2=0.999, epsilon=1e-7)").toText());
        assertEquals("sgd", OptimizerSpec.sgd().toText());
    }

    @Test
    void knowsKerasDefaultLearningRates() {
        assertEquals(0.01, OptimizerSpec.sgd().defaultLearningRate());
        assertEquals(0.001, OptimizerSpec.adam().defaultLearningRate());
        assertEquals(0.001, OptimizerSpec.rmsprop().defaultLearningRate());
        assertEquals(0.001, OptimizerSpec.adagrad().defaultLearningRate());
    }

    static Stream<Arguments> badOptimizers() {
        return Stream.of(
                Arguments.of("adamm", "unknown optimizer 'adamm' at 1:1, did you mean 'adam'?"),
                Arguments.of("lbfgs", "unknown optimizer 'lbfgs' at 1:1; supported: sgd, adam, rmsprop, adagrad"),
                Arguments.of("adam(beta3=0.9)", "unknown argument 'beta3' for adam at 1:6; allowed: beta1, beta2, epsilon"),
                Arguments.of("rmsprop(momentum=0.9)", "unknown argument 'momentum' for rmsprop at 1:9; allowed: epsilon, rho"),
                Arguments.of("adam(0.9)",
                        "too many positional arguments for adam at 1:6; adam takes keyword arguments only: beta1, beta2, epsilon"),
                Arguments.of("sgd(momentum=1)", "sgd momentum must be in [0, 1), but got 1 at 1:14"),
                Arguments.of("sgd(momentum=-0.1)", "sgd momentum must be in [0, 1), but got -0.1 at 1:14"),
                Arguments.of("adam(beta1=1.0)", "adam beta1 must be in [0, 1), but got 1.0 at 1:12"),
                Arguments.of("adam(beta2=2)", "adam beta2 must be in [0, 1), but got 2 at 1:12"),
                Arguments.of("adam(epsilon=0)", "adam epsilon must be > 0, but got 0 at 1:14"),
                Arguments.of("rmsprop(rho=1)", "rmsprop rho must be in [0, 1), but got 1 at 1:13"),
                Arguments.of("sgd(nesterov=yes)", "sgd nesterov must be true or false, but got yes at 1:14"),
                Arguments.of("sgd(nesterov=true)",
                        "sgd nesterov=true needs momentum > 0 at 1:5; e.g. sgd(momentum=0.9, nesterov=true)"),
                Arguments.of("sgd(momentum=0, nesterov=true)",
                        "sgd nesterov=true needs momentum > 0 at 1:17; e.g. sgd(momentum=0.9, nesterov=true)"),
                Arguments.of("adam(beta1=0.9, beta1=0.8)",
                        "duplicate argument 'beta1' for adam at 1:17; it was already given at 1:6"),
                Arguments.of("adam sgd", "expected end of input after the optimizer but found 'sgd' at 1:6"),
                Arguments.of("0.1", "expected the name of the optimizer but found '0.1' at 1:1"),
                Arguments.of("adam(epsilon=1e-7", "expected ')' but found end of input at 1:18"));
    }

    @ParameterizedTest
    @MethodSource("badOptimizers")
    void explainsWhatIsWrongAndWhere(String text, String message) {
        assertEquals(message, assertThrows(SpecParseException.class, () -> OptimizerSpec.parse(text)).getMessage());
    }

    @Test
    void rejectsAnEmptyOptimizer() {
        assertEquals("the optimizer is empty: expected one of sgd, adam, rmsprop, adagrad, e.g. adam or sgd(momentum=0.9)",
                assertThrows(SpecParseException.class, () -> OptimizerSpec.parse("  ")).getMessage());
        assertThrows(SpecParseException.class, () -> OptimizerSpec.parse(null));
    }

    @Test
    void constructorChecksFieldsTheOptimizerUsesAndRejectsOthers() {
        assertEquals("sgd nesterov=true needs momentum > 0",
                assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.sgd(0, true)).getMessage());
        assertEquals("adam beta2 must be in [0, 1), but got 1",
                assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.adam(0.9, 1, 1e-7)).getMessage());
        assertEquals("adam takes no momentum (pass NaN); it takes beta1, beta2, epsilon",
                assertThrows(IllegalArgumentException.class,
                        () -> new OptimizerSpec("adam", 0.9, false, 0.9, 0.999, 1e-7, Double.NaN)).getMessage());
        assertEquals("adam takes no nesterov; it takes beta1, beta2, epsilon",
                assertThrows(IllegalArgumentException.class,
                        () -> new OptimizerSpec("adam", Double.NaN, true, 0.9, 0.999, 1e-7, Double.NaN)).getMessage());
        assertEquals("unknown optimizer 'sdg', did you mean 'sgd'?",
                assertThrows(IllegalArgumentException.class,
                        () -> new OptimizerSpec("sdg", 0, false, Double.NaN, Double.NaN, Double.NaN, Double.NaN))
                        .getMessage());
        assertEquals(OptimizerSpec.sgd(),
                new OptimizerSpec("SGD", 0, false, Double.NaN, Double.NaN, Double.NaN, Double.NaN));
    }
}
