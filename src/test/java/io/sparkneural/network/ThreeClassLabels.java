package io.sparkneural.network;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** One-hot labels for the small three-class networks of this package's tests. */
final class ThreeClassLabels {
    private ThreeClassLabels() {}

    /** {@code rows} one-hot rows of 3 classes, row i labelled i % 3. */
    static INDArray cyclic(int rows) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, rows, 3);
        for (int i = 0; i < rows; i++) y.putScalar(i, i % 3, 1);
        return y;
    }
}
