package io.sparkneural.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

    @Test
    void measuresEditDistance() {
        assertEquals(0, Suggestions.distance("relu", "relu"));
        assertEquals(1, Suggestions.distance("rellu", "relu"));
        assertEquals(1, Suggestions.distance("dens", "dense"));
        assertEquals(2, Suggestions.distance("sigmiod", "sigmoid"));
        assertEquals(3, Suggestions.distance("kitten", "sitting"));
        assertEquals(4, Suggestions.distance("", "tanh"));
    }

    @Test
    void suggestsOnlyWithinTwoEditsIgnoringCase() {
        List<String> names = List.of("relu", "relu6", "tanh");

        assertEquals(Optional.of("relu"), Suggestions.closest("RELLU", names));
        assertEquals(Optional.of("relu6"), Suggestions.closest("relu66", names));
        assertEquals(Optional.of("tanh"), Suggestions.closest("tahn", names));
        assertEquals(Optional.empty(), Suggestions.closest("sigmoid", names));
    }

    @Test
    void prefersTheFirstOnTies() {
        assertEquals(Optional.of("mse"), Suggestions.closest("mxe", List.of("mse", "mae")));
    }
}
