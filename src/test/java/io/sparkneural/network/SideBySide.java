package io.sparkneural.network;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Two small three-class convolutional networks trained on the same minibatch, step for step. */
final class SideBySide {
    private SideBySide() {}

    /**
     * Fits {@code a} and then {@code b} on one seeded minibatch of {@code rows} images ({@code channels} x
     * {@code size} x {@code size}, values in [-0.5, 0.5)) with cyclic labels, {@code steps} times each.
     *
     * @return the minibatch
     */
    static DataSet fit(MultiLayerNetwork a, MultiLayerNetwork b, long seed, int rows, int channels, int size,
                    int steps) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, rows, channels, size, size).subi(0.5);
        INDArray y = ThreeClassLabels.cyclic(rows);
        for (int step = 0; step < steps; step++) {
            a.fit(x, y);
            b.fit(x, y);
        }
        return new DataSet(x, y);
    }
}
