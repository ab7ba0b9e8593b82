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

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 2-D max pooling as plain loops over ND4J's memory, read and written in place, for the {@link MaxPoolingLayer}s that
 * {@link #install} swaps into a network: the backward pass as the layer's helper (the slot DL4J keeps for cuDNN and
 * oneDNN), the forward pass called by the layer itself, as DL4J M2.1 asks the helper for the backward pass only.
 *
 * <p>Why: once {@link GemmConvolution} took the convolutions, libnd4j's {@code maxpool2d_bp} op was 12% of the seed
 * CNN's training step (JFR, one thread), for a few hundred thousand comparisons. Here the backward pass sends each
 * window's gradient to the tap its training forward pass recorded as the winner ({@link Winners}, tiled 2x2 windows),
 * or finds each window's maximum again (other windows, or no matching record).
 *
 * <p>As libnd4j, padding never wins a window (it counts as minus infinity), and where a window holds its maximum
 * twice the gradient goes to the first one in row-major order. Takes float NCHW max pooling without
 * dilation on ND4J's CPU backend; for anything else it declines (returns null) and DL4J runs its own op.
 */
public final class MaxPooling extends LayerHelpers.CpuHelper implements SubsamplingHelper {
    /** Passes computed here rather than declined to DL4J; tests read it to know which code ran. */
    static final AtomicLong SERVED = new AtomicLong();
    /** Of those, backward passes that took the winners their forward pass recorded. */
    static final AtomicLong FROM_FORWARD = new AtomicLong();

    /** About 64 KB of floats: see {@link Window#planesPerChunk}. */
    private static final int CHUNK_FLOATS = 16_384;

    private static final MaxPooling INSTANCE = new MaxPooling(); // stateless: one serves every layer and thread

    private MaxPooling() {}

    /**
     * Puts a {@link MaxPoolingLayer}, with this helper, in place of every max pooling layer of {@code net} it can
     * serve; returns how many layers it serves.
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
        if (w.tiled2x2()) { // the winners as a forward pass records them, then the same backward pass
            byte[] codes = codes(w);
            float[] maxima = Scratch.OUTPUT.get(w.windows());
            for (int plane = 0; plane < w.planes(); plane++) {
                int at = plane * w.outH * w.outW;
                w.maxOfTiles(in, plane * w.inH * w.inW, maxima, at, codes, at);
            }
            return new Pair<>(new DefaultGradient(), backward(w, codes, epsilon, workspaceMgr));
        }
        float[] eps = values(epsilon, Scratch.EPSILON);
        int size = (int) input.length();
        float[] grad = Scratch.GRADIENT.get(size);
        Arrays.fill(grad, 0, size, 0f); // overlapping windows add to a pixel, and some pixels are in none
        int e = 0;
        for (int plane = 0; plane < w.batch * w.channels; plane++) {
            int base = plane * w.inH * w.inW;
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

    /** Per-thread winner codes for passes that keep no record: inference, and backward passes without one. */
    private static final ThreadLocal<byte[]> CODES = ThreadLocal.withInitial(() -> new byte[0]);

    private static byte[] codes(Window w) {
        byte[] codes = CODES.get();
        if (codes.length < w.windows()) {
            codes = new byte[w.windows()];
            CODES.set(codes);
        }
        return codes;
    }

    /**
     * The forward pass of the max pooling layers {@link MaxPoolingLayer} serves: each window's largest value, from a
     * heap copy of the input. Where {@code winners} is given and the windows are tiled 2x2, it also records which tap
     * of each window won, for the backward pass. Returns null where it declines (Same mode, whose padding DL4J computes
     * itself, or anything {@link Window#of} declines), and DL4J's op runs.
     */
    static INDArray forward(INDArray input, org.deeplearning4j.nn.conf.layers.SubsamplingLayer conf,
                            ConvolutionMode mode, LayerWorkspaceMgr workspaceMgr, Winners winners) {
        if (mode == ConvolutionMode.Same) return null;
        Window w = Window.of(input, conf.getKernelSize(), conf.getStride(), conf.getPadding(), conf.getPoolingType(),
                mode, conf.getDilation(), conf.getCnn2dDataFormat());
        if (w == null) return null;
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {w.batch, w.channels, w.outH, w.outW}, 'c');
        if (w.tiled2x2()) {
            byte[] codes = winners != null ? winners.start(w) : codes(w);
            int inPlane = w.inH * w.inW;
            int outPlane = w.outH * w.outW;
            w.inChunks(c(input), inPlane, Scratch.INPUT, out, outPlane, Scratch.OUTPUT, (in, o, first, count) -> {
                for (int p = 0; p < count; p++) {
                    w.maxOfTiles(in, p * inPlane, o, p * outPlane, codes, (first + p) * outPlane);
                }
            });
            if (winners != null) winners.complete(input, w);
            return out;
        }
        float[] in = values(input, Scratch.INPUT);
        float[] o = Scratch.OUTPUT.get(w.windows());
        int at = 0;
        for (int plane = 0; plane < w.planes(); plane++) {
            int base = plane * w.inH * w.inW;
            for (int oy = 0; oy < w.outH; oy++) {
                for (int ox = 0; ox < w.outW; ox++) o[at++] = in[w.argmax(in, base, oy, ox)];
            }
        }
        NdArrays.buffer(out).put(o, 0, w.windows());
        return out;
    }

    /**
     * The input gradient from the winners {@code forward} recorded: each window's gradient to its winning tap, zero
     * to the other three, without reading the input again. Why: finding the winners again meant a copy of the input
     * (2.8 MB for the seed CNN's first pooling) and four comparisons a window, 0.44-0.86 ms of the 10 ms step with
     * its copies (the range is the JIT's: it compiles the comparisons to branches or conditional moves by profile).
     */
    private static INDArray backward(Window w, byte[] codes, INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray epsAtInput = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                w.batch, w.channels, w.inH, w.inW);
        int inPlane = w.inH * w.inW;
        int outPlane = w.outH * w.outW;
        boolean covered = w.tilesCoverTheImage(); // tiles write every pixel they cover; the rest starts at zero
        w.inChunks(c(epsilon), outPlane, Scratch.EPSILON, epsAtInput, inPlane, Scratch.GRADIENT,
                (eps, grad, first, count) -> {
                    if (!covered) Arrays.fill(grad, 0, count * inPlane, 0f);
                    for (int p = 0; p < count; p++) {
                        w.backpropTiles(codes, (first + p) * outPlane, eps, p * outPlane, grad, p * inPlane);
                    }
                });
        SERVED.incrementAndGet();
        return epsAtInput;
    }

    /**
     * Which tap won each tiled 2x2 window of a layer's last training forward pass, and for which input: one per
     * {@link MaxPoolingLayer}, as DL4J's layer keeps its input. A code is the winner's row times 2 plus its column.
     */
    static final class Winners {
        private byte[] codes = new byte[0];
        private INDArray source;
        private Window window;

        /** The array a forward pass of {@code w}'s windows writes its codes to; see {@link #complete}. */
        byte[] start(Window w) {
            forget();
            if (codes.length < w.windows()) codes = new byte[w.windows()];
            return codes;
        }

        /** Makes the codes just written the record for {@code input}. */
        void complete(INDArray input, Window w) {
            source = input;
            window = w;
        }

        /** Drops the record: the layer's input changed or its last forward pass did not record. */
        void forget() {
            source = null;
            window = null;
        }

        /**
         * The input gradient where {@code input} is the very array the recorded pass read and {@code epsilon} has its
         * output's shape; else null, and the winners are found again from the input.
         */
        INDArray backprop(INDArray input, INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            Window w = window;
            if (input == null || input != source || epsilon.dataType() != DataType.FLOAT || epsilon.rank() != 4
                    || !Arrays.equals(epsilon.shape(), new long[] {w.batch, w.channels, w.outH, w.outW})) {
                return null;
            }
            FROM_FORWARD.incrementAndGet();
            return backward(w, codes, epsilon, workspaceMgr);
        }
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

    /** One chunk of {@link Window#inChunks}: planes {@code first} to {@code first + count - 1}, on heap copies. */
    @FunctionalInterface
    interface ChunkPass {
        void run(float[] from, float[] to, int first, int count);
    }

    /** Per-thread float arrays that grow to the largest size asked for: training runs the same shapes every step. */
    private enum Scratch {
        INPUT, EPSILON, GRADIENT, OUTPUT;

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

        /** How many windows: the output's length. */
        int windows() {
            return batch * channels * outH * outW;
        }

        /**
         * Runs {@code pass} over the planes {@link #planesPerChunk} at a time: each chunk's planes of {@code from}
         * ({@code fromPlane} values each) copied to a heap array, and what {@code pass} writes to another
         * ({@code toPlane} values a plane) copied to the same planes of {@code to}.
         */
        void inChunks(INDArray from, int fromPlane, Scratch fromScratch, INDArray to, int toPlane, Scratch toScratch,
                      ChunkPass pass) {
            FloatBuffer source = NdArrays.buffer(from);
            FloatBuffer target = NdArrays.buffer(to);
            int group = planesPerChunk();
            float[] in = fromScratch.get((long) group * fromPlane);
            float[] out = toScratch.get((long) group * toPlane);
            for (int first = 0; first < planes(); first += group) {
                int count = Math.min(group, planes() - first);
                source.get(in, 0, count * fromPlane);
                pass.run(in, out, first, count);
                target.put(out, 0, count * toPlane);
            }
        }

        /** How many (example, channel) planes. */
        int planes() {
            return batch * channels;
        }

        /**
         * Planes the tiled passes take at a time: about 64 KB of input, so that a chunk's heap copies stay in the
         * core's cache between the copy in, the loop and the copy out. Why: whole-array heap copies made two more
         * passes over memory per array, 2.8 MB each for the seed CNN's first pooling at batch 32, larger than this
         * machine's 1 MB per-core L2 cache.
         */
        int planesPerChunk() {
            return Math.max(1, Math.min(planes(), CHUNK_FLOATS / (inH * inW)));
        }

        /** Whether the tiles cover every pixel: no row or column left over at the bottom or right. */
        boolean tilesCoverTheImage() {
            return 2 * outH == inH && 2 * outW == inW;
        }

        /**
         * Each tiled 2x2 window's largest value, for one plane starting at {@code base}, into {@code out} at
         * {@code at}, and its winning tap into {@code codes} at {@code codeAt}: the window's first largest in row-major
         * order, where DL4J sends the gradient. The comparisons are sign bits of differences, so the loop has no branch
         * whatever the JIT's profile: {@code x - y} is negative exactly where {@code y > x}, and +0 for a tie, which
         * stays with the earlier tap. (For two infinities of one sign or two zeros of opposite signs, equal values, the
         * later tap may win.) Why: a comparison the JIT compiles to a branch costs 24 ns a window on random data, which
         * mispredicts it, against 3.5 ns as a conditional move, and which of the two it compiles depends on the profile
         * it saw (0.44 or 0.86 ms for the seed CNN's first pooling backward pass, the same code in two runs).
         */
        void maxOfTiles(float[] in, int base, float[] out, int at, byte[] codes, int codeAt) {
            for (int oy = 0; oy < outH; oy++) {
                int r0 = base + 2 * oy * inW;
                int r1 = r0 + inW;
                int o = at + oy * outW;
                int k = codeAt + oy * outW;
                for (int ox = 0; ox < outW; ox++) {
                    int x = 2 * ox;
                    float a = in[r0 + x];
                    float b = in[r0 + x + 1];
                    float c = in[r1 + x];
                    float d = in[r1 + x + 1];
                    float top = Math.max(a, b);
                    float bottom = Math.max(c, d);
                    out[o + ox] = Math.max(top, bottom);
                    int right = Float.floatToRawIntBits(a - b) >>> 31;
                    int bottomRight = Float.floatToRawIntBits(c - d) >>> 31;
                    int down = Float.floatToRawIntBits(top - bottom) >>> 31;
                    codes[k + ox] = (byte) (right + down * (2 + bottomRight - right));
                }
            }
        }

        /**
         * The gradient of one plane of tiled 2x2 windows from their recorded winners (see
         * {@link #maxOfTiles(float[], int, float[], int, byte[], int)}): each window's gradient to that tap, zero to
         * the other three.
         */
        void backpropTiles(byte[] codes, int codeAt, float[] eps, int e, float[] grad, int base) {
            for (int oy = 0; oy < outH; oy++) {
                int r0 = base + 2 * oy * inW;
                int r1 = r0 + inW;
                int er = e + oy * outW;
                int k = codeAt + oy * outW;
                for (int ox = 0; ox < outW; ox++) {
                    int x = 2 * ox;
                    int code = codes[k + ox];
                    grad[r0 + x] = 0f;
                    grad[r0 + x + 1] = 0f;
                    grad[r1 + x] = 0f;
                    grad[r1 + x + 1] = 0f;
                    grad[r0 + x + (code & 1) + (code >> 1) * inW] = eps[er + ox];
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
