package io.sparkneural.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class LossTest {

    private static final String SUPPORTED =
            "Supported: binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, mse, mae";

    @ParameterizedTest
    @CsvSource({
        "binary_crossentropy, BINARY_CROSSENTROPY",
        "bce, BINARY_CROSSENTROPY",
        "BCE, BINARY_CROSSENTROPY",
        "categorical_crossentropy, CATEGORICAL_CROSSENTROPY",
        "Sparse_Categorical_Crossentropy, SPARSE_CATEGORICAL_CROSSENTROPY",
        "mse, MSE",
        "mean_squared_error, MSE",
        "' MAE ', MAE",
        "mean_absolute_error, MAE",
    })
    void parsesKeywordsAndAliasesInAnyCase(String name, Loss loss) {
        assertEquals(loss, Loss.parse(name));
    }

    @ParameterizedTest
    @EnumSource(Loss.class)
    void keywordRoundTrips(Loss loss) {
        assertEquals(loss, Loss.parse(loss.keyword()));
        assertEquals(loss.name().toLowerCase(java.util.Locale.ROOT), loss.keyword());
    }

    @Test
    void suggestsTheNearestName() {
        assertEquals("unknown loss 'msee', did you mean 'mse'? " + SUPPORTED,
                assertThrows(IllegalArgumentException.class, () -> Loss.parse("msee")).getMessage());
        assertEquals("unknown loss 'categorical_crosentropy', did you mean 'categorical_crossentropy'? " + SUPPORTED,
                assertThrows(IllegalArgumentException.class, () -> Loss.parse("categorical_crosentropy")).getMessage());
        assertEquals("unknown loss 'mean_squared_eror', did you mean 'mean_squared_error'? " + SUPPORTED,
                assertThrows(IllegalArgumentException.class, () -> Loss.parse("mean_squared_eror")).getMessage());
    }

    @Test
    void listsTheSupportedNamesWhenNothingIsClose() {
        assertEquals("unknown loss 'hinge'. " + SUPPORTED,
                assertThrows(IllegalArgumentException.class, () -> Loss.parse("hinge")).getMessage());
        assertEquals("the loss is empty. " + SUPPORTED,
                assertThrows(IllegalArgumentException.class, () -> Loss.parse(" ")).getMessage());
        assertEquals("the loss is empty. " + SUPPORTED,
                assertThrows(IllegalArgumentException.class, () -> Loss.parse(null)).getMessage());
    }
}
