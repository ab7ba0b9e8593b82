package io.sparkneural.data;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class MinibatchArraysTest {

    @Test
    void sequencesWithMasksRoundTripThroughNd4j() {
        // 2 examples, 3 features x 4 timesteps, a label per timestep, the second example 2 steps long
        INDArray features = Nd4j.linspace(1, 24, 24).reshape('c', 2, 3, 4).castTo(DataType.FLOAT);
        INDArray labels = Nd4j.linspace(1, 16, 16).reshape('c', 2, 2, 4).castTo(DataType.FLOAT);
        INDArray mask = Nd4j.createFromArray(new float[][]{{1, 1, 1, 1}, {1, 1, 0, 0}});
        DataSet original = new DataSet(features, labels, mask, mask.dup());

        MinibatchArrays arrays = MinibatchArrays.of(original);
        assertEquals(2, arrays.rows());
        assertArrayEquals(new long[]{2, 3, 4}, arrays.featureShape());
        assertArrayEquals(new long[]{2, 2, 4}, arrays.labelShape());
        assertArrayEquals(new float[]{1, 1, 1, 1, 1, 1, 0, 0}, arrays.featureMask());

        DataSet back = arrays.toDataSet();
        assertEquals(features, back.getFeatures());
        assertEquals(labels, back.getLabels());
        assertEquals(mask, back.getFeaturesMaskArray());
        assertEquals(mask, back.getLabelsMaskArray());
    }

    @Test
    void aViewIsReadInItsLogicalOrder() {
        INDArray wide = Nd4j.linspace(1, 12, 12).reshape('c', 3, 4).castTo(DataType.FLOAT);
        INDArray columns = wide.getColumns(1, 3); // a view: two values of each row
        MinibatchArrays arrays = MinibatchArrays.of(new DataSet(columns, Nd4j.ones(DataType.FLOAT, 3, 1)));
        assertArrayEquals(new float[]{2, 4, 6, 8, 10, 12}, arrays.features());
        assertNull(arrays.featureMask());
        assertEquals(columns, arrays.toDataSet().getFeatures());
    }
}
