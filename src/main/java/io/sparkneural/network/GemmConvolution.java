package io.sparkneural.network;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdDataAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdFilterAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.FwdAlgo;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.reflect.Field;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * 2-D convolution as one matrix multiply over a contiguous im2col buffer, plugged into DL4J's
 * {@code ConvolutionLayer} through the helper slot DL4J keeps for cuDNN and oneDNN.
 *
 * <p>Why: DL4J 1.0.0-M2.1's own path writes im2col into a permuted six-dimensional view, which libnd4j fills element
 * by element through generic stride arithmetic. JFR put 47% of the seed CNN's training time there, against 17% in
 * the matrix multiplies. libnd4j's {@code conv2d_bp} op is no better: 51 ms per minibatch of 32 for the seed CNN's
 * middle layer (5.6 GFLOP/s). Here im2col and col2im are plain loops over row-major buffers, and the three products
 * (forward, weight gradient, input gradient) are single GEMMs.
 *
 * <p>Takes float NCHW layers with bias on ND4J's CPU backend; for anything else it declines (returns null) and DL4J
 * runs its own implementation.
 */
public final class GemmConvolution implements ConvolutionHelper {
    private static final GemmConvolution INSTANCE = new GemmConvolution();
    private static final Field HELPER = helperField();
    /** Passes computed here rather than declined to DL4J; tests read it to know which code ran. */
    static final java.util.concurrent.atomic.AtomicLong SERVED = new java.util.concurrent.atomic.AtomicLong();

    private GemmConvolution() {}

    /** Puts this helper into every plain 2-D convolution layer of {@code net} it can serve; returns how many. */
    public static int install(MultiLayerNetwork net) {
        if (HELPER == null) return 0;
        int installed = 0;
        for (Layer layer : net.getLayers()) {
            if (!servable(layer)) continue;
            try {
                HELPER.set(layer, INSTANCE);
                installed++;
            } catch (IllegalAccessException e) {
                return installed;
            }
        }
        return installed;
    }

    /** How many layers of {@code net} this helper could serve (whether or not it is installed). */
    public static int count(MultiLayerNetwork net) {
        int n = 0;
        for (Layer layer : net.getLayers()) {
            if (servable(layer)) n++;
        }
        return n;
    }

    private static boolean servable(Layer layer) {
        if (layer.getClass() != ConvolutionLayer.class) return false; // subclasses (1-D, depthwise, ...) differ
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf =
                (org.deeplearning4j.nn.conf.layers.ConvolutionLayer) layer.conf().getLayer();
        return conf.getCnn2dDataFormat() == CNN2DFormat.NCHW && conf.hasBias();
    }

    private static Field helperField() {
        try {
            Field f = ConvolutionLayer.class.getDeclaredField("helper");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // another DL4J version: keep DL4J's own convolution
        }
    }

    @Override
    public boolean checkSupported() {
        return true;
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return Map.of();
    }

    @Override
    public INDArray activate(INDArray z, IActivation afn, boolean training) {
        return null; // DL4J applies the activation itself
    }

    @Override
    public INDArray preOutput(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides, int[] pad,
                              AlgoMode mode, FwdAlgo fwdAlgo, ConvolutionMode convolutionMode, int[] dilation,
                              CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        try {
            return forward(input, weights, bias, kernel, strides, pad, convolutionMode, dilation, format, workspaceMgr);
        } catch (RuntimeException e) {
            throw declined(e);
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray bias, INDArray delta,
                                                     int[] kernel, int[] strides, int[] pad, INDArray biasGradView,
                                                     INDArray weightGradView, IActivation afn, AlgoMode mode,
                                                     BwdFilterAlgo bwdFilterAlgo, BwdDataAlgo bwdDataAlgo,
                                                     ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format,
                                                     LayerWorkspaceMgr workspaceMgr) {
        try {
            return backward(input, weights, delta, kernel, strides, pad, biasGradView, weightGradView, convolutionMode,
                    dilation, format, workspaceMgr);
        } catch (RuntimeException e) {
            throw declined(e);
        }
    }

    /**
     * DL4J catches a helper's exception and falls back to its own convolution (with a warning), but reads the
     * message first: an exception without one would become a NullPointerException inside DL4J.
     */
    private static IllegalStateException declined(RuntimeException e) {
        return new IllegalStateException("spark-neural's GEMM convolution failed, DL4J's own takes over: " + e, e);
    }

    private INDArray forward(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides, int[] pad,
                             ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format,
                             LayerWorkspaceMgr workspaceMgr) {
        Geometry g = Geometry.of(input, weights, kernel, strides, pad, convolutionMode, dilation, format);
        if (g == null || !NdArrays.inPlace(bias)) return null;
        INDArray col = im2col(g, input, workspaceMgr, ArrayType.FF_WORKING_MEM);
        // [outC, K] x [K, rows]: rows run (n, oy, ox), so each (o, n) pair is one output plane, in order
        INDArray z = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, DataType.FLOAT, g.outC, g.rows());
        Nd4j.gemm(matrix(weights, g), col, z, false, false, 1.0, 0.0);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                g.batch, g.outC, g.outH, g.outW);
        float[] zs = copyOut(z, Scratch.A);
        float[] os = Scratch.B.get(out.length());
        FloatBuffer bb = NdArrays.buffer(bias);
        int plane = g.plane();
        for (int o = 0; o < g.outC; o++) {
            float b = bb.get(o);
            for (int n = 0; n < g.batch; n++) {
                int src = (o * g.batch + n) * plane;
                int dst = (n * g.outC + o) * plane;
                for (int p = 0; p < plane; p++) os[dst + p] = zs[src + p] + b;
            }
        }
        NdArrays.buffer(out).put(os, 0, (int) out.length());
        SERVED.incrementAndGet();
        return out;
    }

    private Pair<Gradient, INDArray> backward(INDArray input, INDArray weights, INDArray delta, int[] kernel,
                                              int[] strides, int[] pad, INDArray biasGradView, INDArray weightGradView,
                                              ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format,
                                              LayerWorkspaceMgr workspaceMgr) {
        Geometry g = Geometry.of(input, weights, kernel, strides, pad, convolutionMode, dilation, format);
        if (g == null || !NdArrays.inPlace(weightGradView) || !NdArrays.inPlace(biasGradView)) return null;
        INDArray weightGrad = Shape.newShapeNoCopy(weightGradView, new long[] {g.outC, g.k()}, false);
        if (weightGrad == null) return null; // not DL4J's 'c' order view: let DL4J fill it
        // delta [n, outC, plane] -> [outC, rows], the forward product's layout; its row sums are the bias gradient
        int count = g.outC * g.rows();
        float[] ds = copyOut(delta, Scratch.A);
        float[] dt = Scratch.B.get(count);
        FloatBuffer bg = NdArrays.buffer(biasGradView);
        int plane = g.plane();
        for (int o = 0; o < g.outC; o++) {
            float sum = 0f;
            for (int n = 0; n < g.batch; n++) {
                int src = (n * g.outC + o) * plane;
                int dst = (o * g.batch + n) * plane;
                for (int p = 0; p < plane; p++) {
                    float v = ds[src + p];
                    dt[dst + p] = v;
                    sum += v;
                }
            }
            bg.put(o, sum);
        }
        INDArray d2 = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, g.outC, g.rows());
        NdArrays.buffer(d2).put(dt, 0, count);
        INDArray col = im2col(g, input, workspaceMgr, ArrayType.BP_WORKING_MEM);
        Nd4j.gemm(d2, col, weightGrad, false, true, 1.0, 0.0);
        INDArray dcol = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, g.k(), g.rows());
        Nd4j.gemm(matrix(weights, g), d2, dcol, true, false, 1.0, 0.0);
        INDArray epsilon = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                g.batch, g.inC, g.inH, g.inW);
        NdArrays.buffer(epsilon).put(col2im(g, copyOut(dcol, Scratch.A)), 0, (int) epsilon.length());
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView, 'c');
        SERVED.incrementAndGet();
        return new Pair<>(gradient, epsilon);
    }

    /** The weights [outC, inC, kH, kW] as the matrix [outC, inC * kH * kW]. */
    private static INDArray matrix(INDArray weights, Geometry g) {
        return weights.reshape('c', g.outC, g.k());
    }

    /** The array's values in 'c' order, in a per-thread scratch array (longer than the array, reused). */
    private static float[] copyOut(INDArray a, Scratch scratch) {
        INDArray c = NdArrays.inPlace(a) && a.ordering() == 'c' ? a : a.dup('c');
        float[] values = scratch.get(c.length());
        NdArrays.buffer(c).get(values, 0, (int) c.length());
        return values;
    }

    /**
     * Row (c, ky, kx), column (n, oy, ox): the input pixel under that kernel tap, or 0 in the padding. Laid out so
     * that the inner loop reads a row of the image and writes a row of the buffer.
     */
    private static INDArray im2col(Geometry g, INDArray input, LayerWorkspaceMgr workspaceMgr, ArrayType type) {
        float[] in = copyOut(input, Scratch.C);
        float[] out = Scratch.D.get((long) g.k() * g.rows());
        int rows = g.rows();
        for (int c = 0; c < g.inC; c++) {
            for (int ky = 0; ky < g.kH; ky++) {
                for (int kx = 0; kx < g.kW; kx++) {
                    int row = ((c * g.kH + ky) * g.kW + kx) * rows;
                    int xShift = kx * g.dW - g.pW;
                    int oxFrom = g.firstInside(xShift);
                    int oxTo = g.endInside(xShift);
                    for (int n = 0; n < g.batch; n++) {
                        for (int oy = 0; oy < g.outH; oy++) {
                            int dst = row + (n * g.outH + oy) * g.outW;
                            int iy = oy * g.sH - g.pH + ky * g.dH;
                            if (iy < 0 || iy >= g.inH) {
                                java.util.Arrays.fill(out, dst, dst + g.outW, 0f);
                                continue;
                            }
                            int src = ((n * g.inC + c) * g.inH + iy) * g.inW + xShift;
                            if (oxFrom > 0) java.util.Arrays.fill(out, dst, dst + oxFrom, 0f);
                            if (g.sW == 1) {
                                if (oxTo > oxFrom) System.arraycopy(in, src + oxFrom, out, dst + oxFrom, oxTo - oxFrom);
                            } else {
                                for (int ox = oxFrom; ox < oxTo; ox++) out[dst + ox] = in[src + ox * g.sW];
                            }
                            if (oxTo < g.outW) java.util.Arrays.fill(out, dst + Math.max(oxFrom, oxTo), dst + g.outW, 0f);
                        }
                    }
                }
            }
        }
        INDArray col = workspaceMgr.createUninitialized(type, DataType.FLOAT, g.k(), rows);
        NdArrays.buffer(col).put(out, 0, g.k() * rows);
        return col;
    }

    /** The reverse of im2col: each entry of {@code dcol} [K, rows] added back onto the input pixel it came from. */
    private static float[] col2im(Geometry g, float[] dcol) {
        int size = g.batch * g.inC * g.inH * g.inW;
        float[] eps = Scratch.C.get(size);
        java.util.Arrays.fill(eps, 0, size, 0f);
        int rows = g.rows();
        for (int c = 0; c < g.inC; c++) {
            for (int ky = 0; ky < g.kH; ky++) {
                for (int kx = 0; kx < g.kW; kx++) {
                    int row = ((c * g.kH + ky) * g.kW + kx) * rows;
                    int xShift = kx * g.dW - g.pW;
                    int oxFrom = g.firstInside(xShift);
                    int oxTo = g.endInside(xShift);
                    for (int n = 0; n < g.batch; n++) {
                        for (int oy = 0; oy < g.outH; oy++) {
                            int iy = oy * g.sH - g.pH + ky * g.dH;
                            if (iy < 0 || iy >= g.inH) continue;
                            int src = row + (n * g.outH + oy) * g.outW;
                            int dst = ((n * g.inC + c) * g.inH + iy) * g.inW + xShift;
                            for (int ox = oxFrom; ox < oxTo; ox++) eps[dst + ox * g.sW] += dcol[src + ox];
                        }
                    }
                }
            }
        }
        return eps;
    }

    /** Per-thread float arrays that grow to the largest size asked for: training runs the same shapes every step. */
    private enum Scratch {
        A, B, C, D;

        private final ThreadLocal<float[]> arrays = ThreadLocal.withInitial(() -> new float[0]);

        float[] get(long size) {
            if (size > Integer.MAX_VALUE - 8) throw new IllegalStateException("convolution buffer of " + size + " floats");
            float[] a = arrays.get();
            if (a.length < size) {
                a = new float[(int) size];
                arrays.set(a);
            }
            return a;
        }
    }

    /**
     * The largest per-thread buffer (floats) this helper keeps on the Java heap: 64 MB. Beyond it (large images in
     * large minibatches) DL4J's own convolution runs, in its off-heap workspaces, rather than risk an executor's heap.
     */
    static final long MAX_BUFFER = 1L << 24;

    /** Sizes of one convolution, or null where this helper declines. */
    record Geometry(int batch, int inC, int inH, int inW, int outC, int kH, int kW, int sH, int sW, int pH, int pW,
                    int dH, int dW, int outH, int outW) {

        int rows() {
            return batch * outH * outW;
        }

        int plane() {
            return outH * outW;
        }

        /** First output column whose tap {@code ox * sW + shift} lies inside the image. */
        int firstInside(int shift) {
            return shift >= 0 ? 0 : Math.min(outW, (-shift + sW - 1) / sW);
        }

        /** One past the last output column whose tap {@code ox * sW + shift} lies inside the image. */
        int endInside(int shift) {
            int last = inW - 1 - shift; // ox * sW <= last
            return last < 0 ? 0 : Math.min(outW, last / sW + 1);
        }

        int k() {
            return inC * kH * kW;
        }

        static Geometry of(INDArray input, INDArray weights, int[] kernel, int[] strides, int[] pad,
                           ConvolutionMode mode, int[] dilation, CNN2DFormat format) {
            if (!NdArrays.onCpu() || format != CNN2DFormat.NCHW || input.rank() != 4 || weights.rank() != 4
                    || input.dataType() != DataType.FLOAT || weights.dataType() != DataType.FLOAT
                    || input.size(1) != weights.size(1)) {
                return null;
            }
            int inH = (int) input.size(2);
            int inW = (int) input.size(3);
            int kH = kernel[0];
            int kW = kernel[1];
            int outH;
            int outW;
            if (mode == ConvolutionMode.Same) {
                // DL4J passes the top-left padding; the output covers ceil(in / stride) positions
                outH = (inH + strides[0] - 1) / strides[0];
                outW = (inW + strides[1] - 1) / strides[1];
            } else {
                outH = (inH + 2 * pad[0] - dilation[0] * (kH - 1) - 1) / strides[0] + 1;
                outW = (inW + 2 * pad[1] - dilation[1] * (kW - 1) - 1) / strides[1] + 1;
            }
            long rows = input.size(0) * (long) outH * outW;
            long largest = Math.max(Math.max(rows * weights.size(1) * kH * kW, rows * weights.size(0)), input.length());
            if (outH <= 0 || outW <= 0 || largest > MAX_BUFFER) return null;
            return new Geometry((int) input.size(0), (int) input.size(1), inH, inW, (int) weights.size(0), kH, kW,
                    strides[0], strides[1], pad[0], pad[1], dilation[0], dilation[1], outH, outW);
        }
    }
}
