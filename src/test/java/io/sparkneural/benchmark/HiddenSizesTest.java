package io.sparkneural.benchmark;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class HiddenSizesTest {

    @Test
    void denseReluStacksMapToScikitLearnsHiddenSizes() {
        assertEquals("128", SparkVersusPlain.hiddenSizes("dense(128, relu) dense(10, softmax)"));
        assertEquals("256,64", SparkVersusPlain.hiddenSizes("dense(256, relu) dense(64, relu) dense(10, softmax)"));
    }

    @Test
    void networksScikitLearnCannotBuildAreLeftOut() {
        assertNull(SparkVersusPlain.hiddenSizes(SeedNetworks.MLP)); // dropout
        assertNull(SparkVersusPlain.hiddenSizes("dense(128, tanh) dense(10, softmax)"));
        assertNull(SparkVersusPlain.hiddenSizes("dense(10, softmax)"));
        assertNull(SparkVersusPlain.hiddenSizes(SeedNetworks.CNN));
    }
}
