package io.sparkneural.network;

import org.bytedeco.javacpp.IntPointer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.IntBuffer;
import java.util.Arrays;

/**
 * DL4J's plain ReLU whose backward pass is a Java loop, for the convolution layers {@link GemmConvolution} serves.
 *
 * <p>Why: DL4J's {@code ConvolutionLayer} computes the activation's derivative itself before it calls its helper, and
 * {@code ActivationReLU} does it with libnd4j's {@code relu_bp} op: 1.6 ms for the 692,224 activations of the seed
 * CNN's first layer at batch 32 (2.3 ns each), a fifth of the native samples of a one-thread training step under
 * JFR, as much as one of its convolution GEMMs. The loop here works on the floats' bits with int masks, no branch
 * for random signs to mispredict: 0.50-0.59 ms for the seed CNN's three layers where {@code relu_bp} takes 2.7-2.9. It
 * gives the same floats: {@code epsilon} where the input is above 0, else 0 (for 0, -0 and NaN too).
 *
 * <p>Only the layer's runtime copy of its configuration holds it (see {@link #install}): the network's configuration,
 * which is saved, broadcast and compared, keeps DL4J's {@code ActivationReLU}.
 */
final class LoopReLU extends ActivationReLU {
    private static final long serialVersionUID = 1L;
    private static final ActivationReLU PLAIN = new ActivationReLU();
    /** Positive infinity's bits: the largest bit pattern of a float above 0 that is not NaN. */
    private static final int INFINITY_BITS = Float.floatToRawIntBits(Float.POSITIVE_INFINITY);

    /**
     * Gives {@code layer} a configuration of its own whose activation is this one, where the layer's is DL4J's plain
     * ReLU; returns whether it did. The copy shares the layer's updater configurations with the network's, so a new
     * learning rate ({@code MultiLayerNetwork.setLearningRate} writes into the layer's) reaches both.
     */
    static boolean install(Layer layer) {
        NeuralNetConfiguration shared = layer.conf();
        if (!(shared.getLayer() instanceof BaseLayer base) || base.getActivationFn() == null
                || base.getActivationFn().getClass() != ActivationReLU.class || !PLAIN.equals(base.getActivationFn())) {
            return false;
        }
        NeuralNetConfiguration own = shared.clone();
        BaseLayer ownLayer = (BaseLayer) own.getLayer();
        ownLayer.setActivationFn(new LoopReLU());
        ownLayer.setIUpdater(base.getIUpdater());
        ownLayer.setBiasUpdater(base.getBiasUpdater());
        layer.setConf(own);
        return true;
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        // the per-thread buffers stay as large as the largest activation seen: beyond GemmConvolution's cap, DL4J's op
        // contiguous, of one shape and one stride: the same element order, so index i is the same element in both
        if (in.length() > GemmConvolution.MAX_BUFFER || !NdArrays.inPlace(in) || !NdArrays.inPlace(epsilon)
                || !Arrays.equals(in.shape(), epsilon.shape()) || !Arrays.equals(in.stride(), epsilon.stride())) {
            return super.backprop(in, epsilon);
        }
        int n = (int) in.length();
        INDArray dz = in.ulike(); // as DL4J's: a new array in the current workspace, the input left as it was
        IntBuffer zs = ints(in);
        IntBuffer es = ints(epsilon);
        IntBuffer out = ints(dz);
        int[] z = Scratch.Z.get(Math.min(n, CHUNK));
        int[] e = Scratch.E.get(Math.min(n, CHUNK));
        for (int from = 0; from < n; from += CHUNK) {
            int count = Math.min(CHUNK, n - from);
            zs.get(z, 0, count);
            es.get(e, 0, count);
            for (int i = 0; i < count; i++) {
                int b = z[i];
                // all ones where 0 < b <= +inf as ints (a float above 0, NaN excluded), else 0: no branch to mispredict
                int above = ((-b) & ~b) >> 31;
                int notNaN = ~((INFINITY_BITS - b) >> 31);
                e[i] &= above & notNaN;
            }
            out.put(e, 0, count);
        }
        return new Pair<>(dz, null);
    }

    /**
     * Values per pass: the two heap copies of a chunk (64 KB) stay in the core's cache between being filled, masked
     * and copied out. Why: copying the whole arrays first made three more passes over memory, 2.8 MB each for the
     * seed CNN's first layer at batch 32, which is larger than this machine's 1 MB per-core L2 cache.
     */
    private static final int CHUNK = 8192;

    private static IntBuffer ints(INDArray a) {
        return new IntPointer(a.data().addressPointer()).capacity(a.length()).asBuffer();
    }

    /** Per-thread int arrays that grow to the largest size asked for. */
    private enum Scratch {
        Z, E;

        private final ThreadLocal<int[]> arrays = ThreadLocal.withInitial(() -> new int[0]);

        int[] get(int size) {
            int[] a = arrays.get();
            if (a.length < size) {
                a = new int[size];
                arrays.set(a);
            }
            return a;
        }
    }
}
