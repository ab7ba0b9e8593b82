package io.sparkneural.benchmark;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SummaryTest {

    @Test
    void medianOfOddAndEvenCountsLeavesItsInputAsItWas() {
        List<Double> speeds = Arrays.asList(7334.0, 5270.0, 6144.0);
        assertEquals(6144.0, Summary.median(speeds));
        assertEquals(Arrays.asList(7334.0, 5270.0, 6144.0), speeds, "the runs stay in the order they ran");
        assertEquals(5707.0, Summary.median(Arrays.asList(6144.0, 5270.0)));
        assertEquals(42.0, Summary.median(List.of(42.0)));
        assertTrue(Double.isNaN(Summary.median(List.of())));
    }
}
