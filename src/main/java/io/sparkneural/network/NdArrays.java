package io.sparkneural.network;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

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

    /**
     * Whether {@code a} is float data in one contiguous run of host memory, so {@link #buffer} can read and write it
     * in place: true on ND4J's CPU backend for arrays and views whose elements lie next to each other.
     */
    public static boolean inPlace(INDArray a) {
        return ON_CPU && a.dataType() == DataType.FLOAT && a.elementWiseStride() == 1 && a.length() <= a.data().length()
                && a.length() <= Integer.MAX_VALUE;
    }

    /** The memory of an array for which {@link #inPlace} holds, as a float buffer over its elements. */
    public static FloatBuffer buffer(INDArray a) {
        // the data buffer of a view already starts at the view's first element
        return new FloatPointer(a.data().addressPointer()).capacity(a.length()).asBuffer();
    }

    /** Whether ND4J computes on the CPU, where arrays live in host memory. */
    public static boolean onCpu() {
        return ON_CPU;
    }

    private static final boolean ON_CPU = Nd4j.getBackend().getClass().getName().contains(".cpu.");
}
