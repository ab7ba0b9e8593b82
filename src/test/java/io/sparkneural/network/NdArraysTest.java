package io.sparkneural.network;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NdArraysTest {

    @Test
    void holdsTheValuesInRowMajorOrder() {
        float[] values = new float[2 * 3 * 4];
        for (int i = 0; i < values.length; i++) values[i] = i * 0.5f;
        INDArray array = NdArrays.floats(values, 2, 3, 4);
        assertEquals(Nd4j.createFromArray(values).reshape('c', 2, 3, 4), array);
        assertEquals(11.5f, array.getFloat(1, 2, 3));
    }

    @Test
    void aWrongShapeNamesBothSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NdArrays.floats(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("[2, 3] holds 6 values, not 5"), e.getMessage());
    }
}
