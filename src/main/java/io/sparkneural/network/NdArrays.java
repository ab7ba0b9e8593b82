package io.sparkneural.network;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ND4J arrays from Java arrays, by one bulk copy. */
public final class NdArrays {
    private NdArrays() {}

    /**
     * A float array of {@code shape} in 'c' order holding {@code values}. Why not {@code Nd4j.createFromArray}: it
     * copies element by element, about 0.2 ms for a minibatch of 32 MNIST rows against 0.05 ms for an uninitialized
     * array filled by one native copy, and training creates two per minibatch.
     */
    public static INDArray floats(float[] values, long... shape) {
        long length = 1;
        for (long d : shape) length *= d;
        if (length != values.length) {
            throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " holds " + length
                    + " values, not " + values.length);
        }
        INDArray array = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
        new FloatPointer(array.data().addressPointer()).put(values, 0, values.length);
        return array;
    }
}
