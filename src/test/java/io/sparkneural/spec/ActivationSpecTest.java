package io.sparkneural.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ActivationSpecTest {

    @Test
    void listsTheCanonicalNames() {
        assertEquals(List.of("relu", "relu6", "sigmoid", "tanh", "leaky_relu", "elu", "selu", "gelu", "swish", "mish",
                "softplus", "softsign", "softmax", "linear"), ActivationSpec.names());
    }

    @Test
    void everyCanonicalNameRoundTrips() {
        for (String name : ActivationSpec.names()) {
            ActivationSpec activation = ActivationSpec.of(name);
            assertEquals(name, activation.name());
            assertEquals(activation, ActivationSpec.of(activation.toText()));
        }
    }

    @ParameterizedTest
    @CsvSource({
        "relu, relu, NaN",
        "ReLU, relu, NaN",
        "silu, swish, NaN",
        "SiLU, swish, NaN",
        "identity, linear, NaN",
        "leakyrelu, leaky_relu, 0.2",
        "LeakyReLU(0.3), leaky_relu, 0.3",
        "leaky_relu, leaky_relu, 0.2",
        "leaky_relu(0.01), leaky_relu, 0.01",
        "leaky_relu(alpha=0.01), leaky_relu, 0.01",
        "leaky_relu(0), leaky_relu, 0",
        "elu, elu, 1.0",
        "elu(0.5), elu, 0.5",
        "' gelu ', gelu, NaN",
    })
    void parsesNamesAliasesAndAlpha(String text, String name, double alpha) {
        assertEquals(new ActivationSpec(name, alpha), ActivationSpec.of(text));
        assertEquals(name, ActivationSpec.of(text).name());
        assertEquals(alpha, ActivationSpec.of(text).alpha());
    }

    @Test
    void writesAlphaOnlyWhenNotTheDefault() {
        assertEquals("relu", ActivationSpec.of("relu").toText());
        assertEquals("leaky_relu(0.01)", ActivationSpec.of("leaky_relu(alpha=0.01)").toText());
        assertEquals("leaky_relu", ActivationSpec.of("leaky_relu(0.2)").toText());
        assertEquals("elu(0.5)", ActivationSpec.of("elu(0.5)").toText());
        assertEquals("swish", ActivationSpec.of("silu").toText());
    }

    @Test
    void constructorCanonicalisesAndDefaults() {
        assertEquals(ActivationSpec.of("swish"), new ActivationSpec("SILU", Double.NaN));
        assertEquals(0.2, new ActivationSpec("leaky_relu", Double.NaN).alpha());
        assertEquals(1.0, new ActivationSpec("elu", Double.NaN).alpha());
        assertTrue(Double.isNaN(ActivationSpec.LINEAR.alpha()));
    }

    @Test
    void constructorRejectsBadValues() {
        assertEquals("unknown activation 'rellu', did you mean 'relu'?",
                assertThrows(IllegalArgumentException.class, () -> new ActivationSpec("rellu", Double.NaN)).getMessage());
        assertEquals("relu takes no alpha, but got 0.5; pass NaN",
                assertThrows(IllegalArgumentException.class, () -> new ActivationSpec("relu", 0.5)).getMessage());
        assertEquals("leaky_relu alpha must be >= 0, but got -0.1",
                assertThrows(IllegalArgumentException.class, () -> new ActivationSpec("leaky_relu", -0.1)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ActivationSpec(null, Double.NaN))
                .getMessage().startsWith("unknown activation 'null'; supported: relu, relu6,"));
    }

    @Test
    void explainsBadTextWithPosition() {
        assertEquals("unknown activation 'rellu' at 1:1, did you mean 'relu'?",
                assertThrows(SpecParseException.class, () -> ActivationSpec.of("rellu")).getMessage());
        assertEquals("leaky_relu alpha must be >= 0, but got -1 at 1:12",
                assertThrows(SpecParseException.class, () -> ActivationSpec.of("leaky_relu(-1)")).getMessage());
        assertEquals("expected end of input after the activation but found 'tanh' at 1:6",
                assertThrows(SpecParseException.class, () -> ActivationSpec.of("relu tanh")).getMessage());
        assertEquals("the activation is empty: expected a name such as relu or leaky_relu(0.01)",
                assertThrows(SpecParseException.class, () -> ActivationSpec.of(" ")).getMessage());
        assertEquals("activation must be an activation such as relu or leaky_relu(0.01), but got 3 at 1:1",
                assertThrows(SpecParseException.class, () -> ActivationSpec.of("3")).getMessage());
    }
}
