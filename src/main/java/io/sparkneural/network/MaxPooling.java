package io.sparkneural.network;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingHelper;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 2-D max pooling as plain loops over ND4J's memory, read and written in place, for the {@link MaxPoolingLayer}s that
 * {@link #install} swaps into a network: the backward pass as the layer's helper (the slot DL4J keeps for cuDNN and
 * oneDNN), the forward pass called by the layer itself, as DL4J M2.1 asks the helper for the backward pass only.
 *
 * <p>Why: once {@link GemmConvolution} took the convolutions, libnd4j's {@code maxpool2d_bp} op was 12% of the seed
 * CNN's training step (JFR, one thread), for a few hundred thousand comparisons. Here the backward pass finds each
 * window's maximum again and sends the window's gradient there.
 *
 * <p>As libnd4j, padding never wins a window (it counts as minus infinity), and where a window holds its maximum
 * twice the gradient goes to the first one in row-major order. Takes float NCHW max pooling without
 * dilation on ND4J's CPU backend; for anything else it declines (returns null) and DL4J runs its own op.
 */
public final class MaxPooling extends LayerHelpers.CpuHelper implements SubsamplingHelper {
    /** Passes computed here rather than declined to DL4J; tests read it to know which code ran. */
    static final AtomicLong SERVED = new AtomicLong();

    private static final MaxPooling INSTANCE = new MaxPooling(); // stateless: one serves every layer and thread

    private MaxPooling() {}

    /**
     * Puts a {@link MaxPoolingLayer}, with this helper, in place of every max pooling layer of {@code net} it can serve;
     * returns how many layers it serves.
     */
    public static int install(MultiLayerNetwork net) {
        Layer[] layers = net.getLayers(); // DL4J's own array: the network runs whatever it holds
        int served = 0;
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] instanceof MaxPoolingLayer) {
                served++;
            } else if (servable(layers[i])) {
                Layer replacement = MaxPoolingLayer.replacing(layers[i], net.getLayerWiseConfigurations().getDataType(),
                        INSTANCE);
                LayerHelpers.replace(net, i, replacement);
                served++;
            }
        }
        return served;
    }

    private static boolean servable(Layer layer) {
        if (layer.getClass() != SubsamplingLayer.class) return false; // 1-D and 3-D subclasses lay data out otherwise
        org.deeplearning4j.nn.conf.layers.SubsamplingLayer conf =
                (org.deeplearning4j.nn.conf.layers.SubsamplingLayer) layer.conf().getLayer();
        return conf.getPoolingType() == PoolingType.MAX && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW;
    }

    /** DL4J 1.0.0-M2.1's layer never asks its helper for the forward pass; should one ask, DL4J's op runs. */
    @Override
    public INDArray activate(INDArray input, boolean training, int[] kernel, int[] strides, int[] pad,
                             PoolingType poolingType, ConvolutionMode convolutionMode, int[] dilation,
                             CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        return null;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, int[] kernel, int[] strides,
                                                     int[] pad, PoolingType poolingType,
                                                     ConvolutionMode convolutionMode, int[] dilation,
                                                     CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        Window w = Window.of(input, kernel, strides, pad, poolingType, convolutionMode, dilation, format);
        if (w == null || epsilon.rank() != 4 || epsilon.size(2) != w.outH || epsilon.size(3) != w.outW) return null;
        float[] in = values(input, Scratch.INPUT);
        float[] eps = values(epsilon, Scratch.EPSILON);
        int size = (int) input.length();
        float[] grad = Scratch.GRADIENT.get(size);
        boolean tiled = w.tiled2x2();
        // tiles write every pixel they cover; the rest (and every pixel the general path adds to) starts at zero
        if (!tiled || !w.tilesCoverTheImage()) Arrays.fill(grad, 0, size, 0f);
        int e = 0;
        for (int plane = 0; plane < w.batch * w.channels; plane++) {
            int base = plane * w.inH * w.inW;
            if (tiled) {
                w.backpropTiles(in, eps, e, grad, base);
                e += w.outH * w.outW;
                continue;
            }
            for (int oy = 0; oy < w.outH; oy++) {
                for (int ox = 0; ox < w.outW; ox++) grad[w.argmax(in, base, oy, ox)] += eps[e++];
            }
        }
        INDArray epsAtInput = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                input.shape());
        NdArrays.buffer(epsAtInput).put(grad, 0, size);
        SERVED.incrementAndGet();
        return new Pair<>(new DefaultGradient(), epsAtInput);
    }

    /**
     * The forward pass of the max pooling layers {@link MaxPoolingLayer} serves: each window's largest value, read and
     * written in place in ND4J's memory. Returns null where it declines (Same mode, whose padding DL4J computes itself,
     * or anything {@link Window#of} declines), and DL4J's op runs.
     */
    static INDArray forward(INDArray input, org.deeplearning4j.nn.conf.layers.SubsamplingLayer conf,
                            ConvolutionMode mode, LayerWorkspaceMgr workspaceMgr) {
        if (mode == ConvolutionMode.Same) return null;
        Window w = Window.of(input, conf.getKernelSize(), conf.getStride(), conf.getPadding(), conf.getPoolingType(),
                mode, conf.getDilation(), conf.getCnn2dDataFormat());
        if (w == null) return null;
        float[] in = values(input, Scratch.INPUT);
        int size = w.batch * w.channels * w.outH * w.outW;
        float[] o = Scratch.GRADIENT.get(size);
        boolean tiled = w.tiled2x2();
        int at = 0;
        for (int plane = 0; plane < w.batch * w.channels; plane++) {
            int base = plane * w.inH * w.inW;
            if (tiled) {
                w.maxOfTiles(in, base, o, at);
                at += w.outH * w.outW;
                continue;
            }
            for (int oy = 0; oy < w.outH; oy++) {
                for (int ox = 0; ox < w.outW; ox++) o[at++] = in[w.argmax(in, base, oy, ox)];
            }
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {w.batch, w.channels, w.outH, w.outW}, 'c');
        NdArrays.buffer(out).put(o, 0, size);
        return out;
    }

    private static INDArray c(INDArray a) {
        return NdArrays.inPlace(a) && a.ordering() == 'c' ? a : a.dup('c');
    }

    /** The array's values in 'c' order, in a per-thread scratch array: the loops run twice as fast on the heap. */
    private static float[] values(INDArray a, Scratch scratch) {
        float[] values = scratch.get(a.length());
        NdArrays.buffer(c(a)).get(values, 0, (int) a.length());
        return values;
    }

    /** Per-thread float arrays that grow to the largest size asked for: training runs the same shapes every step. */
    private enum Scratch {
        INPUT, EPSILON, GRADIENT;

        private final HeapScratch arrays = new HeapScratch("max pooling");

        float[] get(long size) {
            return arrays.get(size);
        }
    }

    /** The pooling's sizes, or null where this helper declines. */
    record Window(int batch, int channels, int inH, int inW, int kH, int kW, int sH, int sW, int pH, int pW, int outH,
                  int outW) {

        /** 2x2 windows that tile the image (stride 2, no padding on any side): each pixel in one window at most. */
        boolean tiled2x2() {
            return kH == 2 && kW == 2 && sH == 2 && sW == 2 && pH == 0 && pW == 0 && 2 * outH <= inH && 2 * outW <= inW;
        }

        /** Whether the tiles cover every pixel: no row or column left over at the bottom or right. */
        boolean tilesCoverTheImage() {
            return 2 * outH == inH && 2 * outW == inW;
        }

        /** Each tiled 2x2 window's largest value, for one plane starting at {@code base}, into {@code out} at {@code at}. */
        void maxOfTiles(float[] in, int base, float[] out, int at) {
            for (int oy = 0; oy < outH; oy++) {
                int r0 = base + 2 * oy * inW;
                int r1 = r0 + inW;
                int o = at + oy * outW;
                for (int ox = 0; ox < outW; ox++) {
                    int x = 2 * ox;
                    out[o + ox] = Math.max(Math.max(in[r0 + x], in[r0 + x + 1]), Math.max(in[r1 + x], in[r1 + x + 1]));
                }
            }
        }

        /**
         * The gradient of one plane of tiled 2x2 windows: each window's gradient written to its first largest tap
         * in row-major order and zero to the other three, without a branch on the data. The JIT turns a float select
         * ({@code c ? x : 0f}) into a branch, which random data mispredicts: 24 ns a window. Int selects on float
         * comparisons become conditional moves: the winner's offset costs 3.5 ns a window, int masks for each tap
         * 6 ns (seed CNN's first pooling, one thread).
         */
        void backpropTiles(float[] in, float[] eps, int e, float[] grad, int base) {
            for (int oy = 0; oy < outH; oy++) {
                int r0 = base + 2 * oy * inW;
                int r1 = r0 + inW;
                int er = e + oy * outW;
                for (int ox = 0; ox < outW; ox++) {
                    int x = 2 * ox;
                    float a = in[r0 + x];
                    float b = in[r0 + x + 1];
                    float c = in[r1 + x];
                    float d = in[r1 + x + 1];
                    int top = b > a ? 1 : 0; // ties stay with the earlier tap
                    int bottom = d > c ? inW + 1 : inW;
                    int winner = Math.max(c, d) > Math.max(a, b) ? bottom : top;
                    grad[r0 + x] = 0f;
                    grad[r0 + x + 1] = 0f;
                    grad[r1 + x] = 0f;
                    grad[r1 + x + 1] = 0f;
                    grad[r0 + x + winner] = eps[er + ox];
                }
            }
        }

        /**
         * Index (within {@code in}) of the window's first largest value in row-major order, where the backward pass
         * sends its gradient: the general case (padding, overlapping or other-sized windows).
         */
        int argmax(float[] in, int base, int oy, int ox) {
            int y0 = oy * sH - pH;
            int x0 = ox * sW - pW;
            int yFrom = Math.max(0, y0);
            int yTo = Math.min(inH, y0 + kH);
            int xFrom = Math.max(0, x0);
            int xTo = Math.min(inW, x0 + kW);
            int best = base + yFrom * inW + xFrom;
            float max = in[best];
            for (int y = yFrom; y < yTo; y++) {
                int row = base + y * inW;
                for (int x = xFrom; x < xTo; x++) {
                    float v = in[row + x];
                    best = v > max ? row + x : best; // an int select: a conditional move, see backpropTiles
                    max = Math.max(max, v);
                }
            }
            return best;
        }

        static Window of(INDArray input, int[] kernel, int[] strides, int[] pad, PoolingType type,
                         ConvolutionMode mode, int[] dilation, CNN2DFormat format) {
            if (!NdArrays.onCpu() || type != PoolingType.MAX || format != CNN2DFormat.NCHW || input.rank() != 4
                    || input.dataType() != DataType.FLOAT || dilation[0] != 1 || dilation[1] != 1
                    || input.length() > GemmConvolution.MAX_BUFFER) {
                return null;
            }
            int inH = (int) input.size(2);
            int inW = (int) input.size(3);
            int outH = GemmConvolution.Geometry.outputSize(inH, kernel[0], strides[0], pad[0], 1, mode);
            int outW = GemmConvolution.Geometry.outputSize(inW, kernel[1], strides[1], pad[1], 1, mode);
            if (outH <= 0 || outW <= 0) return null;
            Window w = new Window((int) input.size(0), (int) input.size(1), inH, inW, kernel[0], kernel[1], strides[0],
                    strides[1], pad[0], pad[1], outH, outW);
            return w.everyWindowTouchesTheImage() ? w : null;
        }

        /** A window wholly in the padding has no maximum; DL4J decides what that means. */
        private boolean everyWindowTouchesTheImage() {
            return (outH - 1) * sH - pH < inH && (outW - 1) * sW - pW < inW && kH > pH && kW > pW;
        }
    }
}
