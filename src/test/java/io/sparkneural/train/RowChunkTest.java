package io.sparkneural.train;

import io.sparkneural.data.MinibatchArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class RowChunkTest {

    /** 7 sequences of 3 timesteps x 2 features, labels per timestep, both masked; every value tells its row. */
    private static RowChunk sequences() {
        int rows = 7;
        float[] features = new float[rows * 2 * 3];
        float[] labels = new float[rows * 4 * 3];
        float[] featureMask = new float[rows * 3];
        float[] labelMask = new float[rows * 3];
        for (int i = 0; i < features.length; i++) features[i] = 1000 * (i / 6) + i % 6;
        for (int i = 0; i < labels.length; i++) labels[i] = -1000 * (i / 12) - i % 12;
        for (int i = 0; i < featureMask.length; i++) featureMask[i] = i / 3 + 0.25f * (i % 3);
        for (int i = 0; i < labelMask.length; i++) labelMask[i] = -(i / 3) - 0.25f * (i % 3);
        return RowChunk.of(new MinibatchArrays(new long[]{rows, 2, 3}, features, new long[]{rows, 4, 3}, labels,
                featureMask, labelMask));
    }

    private static float[] values(INDArray a) {
        return a == null ? null : a.dup().data().asFloat();
    }

    @Test
    void reusedArraysHoldTheSameMinibatchesAsFreshOnes() {
        RowChunk chunk = sequences();
        List<DataSet> fresh = chunk.minibatches(3, new Random(5));
        Iterator<DataSet> reused = chunk.minibatches(3, new Random(5), new RowChunk.Reuse());
        List<INDArray> featureArrays = new ArrayList<>();
        for (DataSet expected : fresh) {
            DataSet got = reused.next();
            assertArrayEquals(expected.getFeatures().shape(), got.getFeatures().shape());
            assertArrayEquals(values(expected.getFeatures()), values(got.getFeatures()));
            assertArrayEquals(values(expected.getLabels()), values(got.getLabels()));
            assertArrayEquals(values(expected.getFeaturesMaskArray()), values(got.getFeaturesMaskArray()));
            assertArrayEquals(values(expected.getLabelsMaskArray()), values(got.getLabelsMaskArray()));
            featureArrays.add(got.getFeatures());
        }
        assertEquals(false, reused.hasNext());
        assertEquals(List.of(3L, 3L, 1L), List.of(featureArrays.get(0).size(0), featureArrays.get(1).size(0),
                featureArrays.get(2).size(0)));
        // the two full minibatches share one array; the last, shorter one has its own
        assertSame(featureArrays.get(0), featureArrays.get(1));
        assertNotSame(featureArrays.get(0), featureArrays.get(2));
    }

    @Test
    void theSameReuseServesTheNextChunkWithItsOwnRows() {
        RowChunk.Reuse reuse = new RowChunk.Reuse();
        RowChunk first = sequences();
        Iterator<DataSet> one = first.minibatches(7, null, reuse);
        INDArray array = one.next().getFeatures();
        float[] firstValues = values(array);

        float[] features = new float[7 * 5];
        for (int i = 0; i < features.length; i++) features[i] = i;
        RowChunk flat = RowChunk.of(new MinibatchArrays(new long[]{7, 5}, features, new long[]{7, 2}, new float[14],
                null, null));
        DataSet second = flat.minibatches(7, null, reuse).next();
        assertArrayEquals(features, values(second.getFeatures()));
        assertArrayEquals(new long[]{7, 5}, second.getFeatures().shape());
        assertNull(second.getFeaturesMaskArray());
        // rows of another width get an array of their own, leaving the first chunk's minibatch as it was
        assertArrayEquals(firstValues, values(array));
    }
}
