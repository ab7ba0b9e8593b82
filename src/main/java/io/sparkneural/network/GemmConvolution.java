package io.sparkneural.network;

import org.bytedeco.javacpp.FloatPointer;
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
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * 2-D convolution as matrix multiplies over contiguous im2col buffers, plugged into DL4J's {@code ConvolutionLayer}
 * through the helper slot DL4J keeps for cuDNN and oneDNN.
 *
 * <p>Why: DL4J 1.0.0-M2.1's own path writes im2col into a permuted six-dimensional view, which libnd4j fills element
 * by element through generic stride arithmetic. JFR put 47% of the seed CNN's training time there, against 17% in
 * the matrix multiplies. libnd4j's {@code conv2d_bp} op is no better: 51 ms per minibatch of 32 for the seed CNN's
 * middle layer (5.6 GFLOP/s). Here im2col and col2im are plain loops over row-major buffers, and the three products
 * (forward, weight gradient, input gradient) are OpenBLAS calls on blocks of ND4J's memory ({@link HostBlas}).
 *
 * <p>Two paths, by output plane size ({@link Geometry#perExample}): large planes (first layers) multiply one example
 * at a time, straight into and out of DL4J's NCHW arrays; small planes multiply a chunk of examples at a time
 * ({@link Geometry#chunk}), so each chunk's patch matrix stays in cache, from channels-last copies of the input
 * ({@link #patchRows}), and reorder to NCHW.
 *
 * <p>Takes float NCHW layers with bias on ND4J's CPU backend; for anything else it declines (returns null) and DL4J
 * runs its own implementation.
 */
public final class GemmConvolution extends LayerHelpers.CpuHelper implements ConvolutionHelper {
    private static final LayerHelpers.Slot SLOT = new LayerHelpers.Slot(ConvolutionLayer.class);
    /** Passes computed here rather than declined to DL4J; tests read it to know which code ran. */
    static final java.util.concurrent.atomic.AtomicLong SERVED = new java.util.concurrent.atomic.AtomicLong();
    /** Passes that reused this layer's previous forward pass instead of computing it again. */
    static final java.util.concurrent.atomic.AtomicLong REUSED = new java.util.concurrent.atomic.AtomicLong();

    /** What the layer's last forward pass computed; one instance per layer, so layers do not evict each other. */
    private final LastForward last = new LastForward();
    /** Set while DL4J computes a gradient whose input gradient it drops; see {@link #withoutInputGradient}. */
    private boolean inputGradientDropped;

    private GemmConvolution() {}

    /** Puts a helper into every plain 2-D convolution layer of {@code net} it can serve; returns how many. */
    public static int install(MultiLayerNetwork net) {
        int served = SLOT.fill(net, GemmConvolution::servable, GemmConvolution::new);
        if (served > 0) {
            for (Layer layer : net.getLayers()) {
                if (servable(layer)) LoopReLU.install(layer); // DL4J's layer computes ReLU's derivative before us
            }
        }
        return served;
    }

    /**
     * Runs {@code gradient}, DL4J's gradient computation for {@code net}'s training step, without computing the first
     * layer's input gradient where this helper serves that layer. Why: DL4J's backprop computes every layer's input
     * gradient, the first layer's too, then drops that one ({@code calcBackpropGradients} with
     * {@code returnInputActGrad} false, as fit's path calls it). For the seed CNN's first convolution that is a GEMM
     * and a col2im over 32 x 26 x 26 positions a step for nothing. The first layer returns zeros instead, which DL4J
     * drops; {@code backpropGradient} and {@code calculateGradients}, which return the input gradient, are not run
     * through here.
     */
    static void withoutInputGradient(MultiLayerNetwork net, Runnable gradient) {
        GemmConvolution first = net.getnLayers() > 0 && net.getLayer(0).getHelper() instanceof GemmConvolution g ? g
                : null;
        if (first == null) {
            gradient.run();
            return;
        }
        first.inputGradientDropped = true;
        try {
            gradient.run();
        } finally {
            first.inputGradientDropped = false;
        }
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

    /*
     * Synchronized because the reuse below keeps state in this layer's helper; a network serves one thread at a time
     * anyway (DL4J keeps each layer's input in a field), so the lock is never contended.
     */
    private synchronized INDArray forward(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides,
                                          int[] pad, ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format,
                                          LayerWorkspaceMgr workspaceMgr) {
        Geometry g = Geometry.of(input, weights, kernel, strides, pad, convolutionMode, dilation, format);
        if (g == null || !NdArrays.inPlace(bias)) return null;
        float[] in = copyOut(input, Scratch.C);
        float[] params = copyParams(weights, bias);
        int paramCount = (int) (weights.length() + bias.length());
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                g.batch, g.outC, g.outH, g.outW);
        /*
         * DL4J's ConvolutionLayer runs the forward pass twice per training step: once for the activations and again
         * at the start of backprop, for the activation's derivative. The second pass sees the same input and weights,
         * so its output is the first one's. Equal values (not the same array objects, which DL4J reuses while
         * updating weights in place) are what make the reuse exact.
         */
        boolean reuse = last.sameForward(g, in, params, paramCount);
        if (reuse) REUSED.incrementAndGet();
        if (g.perExample()) {
            forwardPerExample(g, in, params, paramCount, weights, bias, out, reuse, workspaceMgr);
        } else if (reuse) {
            NdArrays.buffer(out).put(last.preOutput, 0, (int) out.length());
        } else {
            forwardBatch(g, in, params, paramCount, weights, bias, out, workspaceMgr);
        }
        SERVED.incrementAndGet();
        return out;
    }

    /**
     * The minibatch a chunk of {@link Geometry#chunk} examples at a time: their patches [(n, oy, ox), K], one product,
     * then a pass to NCHW plus bias. Why chunks: the seed CNN's second layer has a 4.5 MB patch matrix for the whole
     * minibatch; a chunk's 0.56 MB is written, multiplied and read while in cache, and the backward pass computes
     * its patches again rather than keeping the whole matrix. Products of 484 columns cost 4% more than one of 3872.
     */
    private void forwardBatch(Geometry g, float[] in, float[] params, int paramCount, INDArray weights, INDArray bias,
                              INDArray out, LayerWorkspaceMgr workspaceMgr) {
        boolean keep = g.keptFloats() <= MAX_KEPT;
        if (keep) {
            last.remember(g, in, params, paramCount, false);
        } else {
            last.release(); // whatever a smaller earlier pass kept
        }
        int k = g.k();
        int plane = g.plane();
        int chunk = g.chunk();
        INDArray col = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, DataType.FLOAT, chunk * plane, k);
        INDArray z = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, DataType.FLOAT, g.outC, chunk * plane);
        FloatPointer colAt = HostBlas.at(col, 0);
        FloatPointer zAt = HostBlas.at(z, 0);
        INDArray wLast = tapsLast(g, weights, workspaceMgr, ArrayType.FF_WORKING_MEM);
        FloatPointer w = HostBlas.at(wLast, 0);
        float[] inLast = channelsLast(g, in, Scratch.G);
        float[] patches = Scratch.D.get((long) k * chunk * plane);
        float[] zs = Scratch.A.get((long) g.outC * chunk * plane);
        float[] os = keep ? last.preOutput((int) out.length()) : Scratch.B.get(out.length());
        FloatBuffer bb = NdArrays.buffer(bias);
        for (int n0 = 0; n0 < g.batch; n0 += chunk) {
            int count = Math.min(chunk, g.batch - n0);
            int columns = count * plane;
            patchRows(g, inLast, n0 * g.inC * g.inH * g.inW, count, patches, true);
            colAt.put(patches, 0, k * columns);
            // [outC, K] x [columns, K]^T: each (o, example) pair is one output plane, in order
            HostBlas.gemm(false, true, g.outC, columns, k, w, k, colAt, k, 0f, zAt, columns);
            zAt.get(zs, 0, g.outC * columns);
            for (int o = 0; o < g.outC; o++) {
                float b = bb.get(o);
                for (int i = 0; i < count; i++) {
                    int src = (o * count + i) * plane;
                    int dst = ((n0 + i) * g.outC + o) * plane;
                    for (int p = 0; p < plane; p++) os[dst + p] = zs[src + p] + b;
                }
            }
        }
        java.lang.ref.Reference.reachabilityFence(wLast);
        NdArrays.buffer(out).put(os, 0, (int) out.length());
        if (keep) last.complete(g);
    }

    /**
     * One product per example, [outC, K] x [K, plane], written straight into that example's [outC, plane] of the
     * NCHW output over its bias: no reordering pass and no copy of the output through the heap, and each example's
     * patches are still in cache when multiplied. Where {@code reuse}, the kept patches are multiplied again, which
     * costs less than keeping and copying the output (see {@link Geometry#perExample}).
     */
    private void forwardPerExample(Geometry g, float[] in, float[] params, int paramCount, INDArray weights,
                                   INDArray bias, INDArray out, boolean reuse, LayerWorkspaceMgr workspaceMgr) {
        boolean keep = !reuse && g.keptFloats() <= MAX_KEPT;
        INDArray col;
        if (reuse) {
            col = last.col;
        } else if (keep) {
            col = last.remember(g, in, params, paramCount, true);
        } else {
            last.release();
            col = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, DataType.FLOAT, g.k(), g.plane());
        }
        int k = g.k();
        int plane = g.plane();
        int block = k * plane;
        int outBlock = g.outC * plane;
        float[] patches = Scratch.D.get(block);
        float[] biasPlanes = Scratch.B.get(outBlock);
        FloatBuffer bb = NdArrays.buffer(bias);
        for (int o = 0; o < g.outC; o++) Arrays.fill(biasPlanes, o * plane, (o + 1) * plane, bb.get(o));
        FloatPointer w = HostBlas.at(contiguous(weights), 0);
        for (int n = 0; n < g.batch; n++) {
            FloatPointer colN = HostBlas.at(col, reuse || keep ? (long) n * block : 0);
            if (!reuse) {
                fillIm2col(g, in, n, patches);
                colN.put(patches, 0, block);
            }
            FloatPointer outN = HostBlas.at(out, (long) n * outBlock);
            outN.put(biasPlanes, 0, outBlock);
            HostBlas.gemm(false, false, g.outC, plane, k, w, k, colN, plane, 1f, outN, plane);
        }
        if (keep) last.complete(g);
    }

    /** Whether this layer's last forward pass is kept (with the per-example path's off-heap patch matrix). */
    synchronized boolean keepsForwardPass() {
        return last.kept();
    }

    /** Drops the kept forward pass and frees its off-heap patch matrix now rather than at the next GC. */
    synchronized void release() {
        last.release();
    }

    /** The weights then the bias, at the start of a per-thread scratch array. */
    private static float[] copyParams(INDArray weights, INDArray bias) {
        INDArray w = contiguous(weights);
        int nw = (int) w.length();
        float[] params = Scratch.E.get(nw + bias.length());
        NdArrays.buffer(w).get(params, 0, nw);
        NdArrays.buffer(bias).get(params, nw, (int) bias.length());
        return params;
    }

    private synchronized Pair<Gradient, INDArray> backward(INDArray input, INDArray weights, INDArray delta, int[] kernel,
                                              int[] strides, int[] pad, INDArray biasGradView, INDArray weightGradView,
                                              ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format,
                                              LayerWorkspaceMgr workspaceMgr) {
        Geometry g = Geometry.of(input, weights, kernel, strides, pad, convolutionMode, dilation, format);
        if (g == null || !NdArrays.inPlace(weightGradView) || !NdArrays.inPlace(biasGradView)) return null;
        INDArray weightGrad = Shape.newShapeNoCopy(weightGradView, new long[] {g.outC, g.k()}, false);
        if (weightGrad == null) return null; // not DL4J's 'c' order view: let DL4J fill it
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView, 'c');
        SERVED.incrementAndGet();
        INDArray epsilon = inputGradientDropped ? null
                : workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, g.batch, g.inC, g.inH,
                        g.inW);
        if (g.perExample()) {
            backwardPerExample(g, input, weights, delta, biasGradView, weightGrad, epsilon, workspaceMgr);
        } else {
            backwardBatch(g, input, weights, delta, biasGradView, weightGrad, epsilon, workspaceMgr);
        }
        if (epsilon == null) { // DL4J drops it: see withoutInputGradient
            epsilon = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, g.batch, g.inC, g.inH, g.inW);
        }
        return new Pair<>(gradient, epsilon);
    }

    /**
     * A chunk of examples at a time, as {@link #forwardBatch}: delta reordered to the forward product's layout
     * [outC, (n, oy, ox)], the chunk's patches computed again, the weight gradient accumulated chunk by chunk (taps in
     * the patches' order, put back in DL4J's at the end), and the input gradient's patches added back onto
     * channels-last images while still in cache.
     */
    private void backwardBatch(Geometry g, INDArray input, INDArray weights, INDArray delta, INDArray biasGradView,
                               INDArray weightGrad, INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray d = contiguous(delta);
        biasGradient(g, d, biasGradView, workspaceMgr);
        float[] ds = copyOut(d, Scratch.A);
        int plane = g.plane();
        int k = g.k();
        int chunk = g.chunk();
        INDArray d2 = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, g.outC, chunk * plane);
        INDArray col = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, chunk * plane, k);
        INDArray dcol = epsilon == null ? null
                : workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, chunk * plane, k);
        INDArray wgLast = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, g.outC, k);
        FloatPointer d2At = HostBlas.at(d2, 0);
        FloatPointer colAt = HostBlas.at(col, 0);
        FloatPointer dcolAt = dcol == null ? null : HostBlas.at(dcol, 0);
        INDArray wLast = epsilon == null ? null : tapsLast(g, weights, workspaceMgr, ArrayType.BP_WORKING_MEM);
        FloatPointer w = wLast == null ? null : HostBlas.at(wLast, 0);
        FloatPointer wg = HostBlas.at(wgLast, 0);
        float[] inLast = channelsLast(g, copyOut(input, Scratch.C), Scratch.G);
        float[] dt = Scratch.B.get((long) g.outC * chunk * plane);
        float[] patches = Scratch.D.get((long) k * chunk * plane);
        float[] dcs = Scratch.E.get((long) k * chunk * plane);
        int inBlock = g.inC * g.inH * g.inW;
        float[] epsLast = epsilon == null ? null : Scratch.H.get(g.inputLength());
        if (epsLast != null) Arrays.fill(epsLast, 0, g.inputLength(), 0f);
        for (int n0 = 0; n0 < g.batch; n0 += chunk) {
            int count = Math.min(chunk, g.batch - n0);
            int columns = count * plane;
            for (int o = 0; o < g.outC; o++) {
                for (int i = 0; i < count; i++) {
                    System.arraycopy(ds, ((n0 + i) * g.outC + o) * plane, dt, (o * count + i) * plane, plane);
                }
            }
            d2At.put(dt, 0, g.outC * columns);
            patchRows(g, inLast, n0 * inBlock, count, patches, true);
            colAt.put(patches, 0, k * columns);
            // [outC, columns] x [columns, K]: the weight gradient with its taps in the patch rows' order
            HostBlas.gemm(false, false, g.outC, k, columns, d2At, columns, colAt, k, n0 == 0 ? 0f : 1f, wg, k);
            if (epsLast == null) continue;
            // [outC, columns]^T x [outC, K]: each output position's patch of input gradient, a row of K
            HostBlas.gemm(true, false, columns, k, g.outC, d2At, columns, w, k, 0f, dcolAt, k);
            dcolAt.get(dcs, 0, k * columns);
            patchRows(g, epsLast, n0 * inBlock, count, dcs, false);
        }
        java.lang.ref.Reference.reachabilityFence(wLast);
        tapsFirst(g, copyOut(wgLast, Scratch.A), NdArrays.buffer(weightGrad));
        if (epsLast == null) return;
        float[] eps = Scratch.F.get(g.inputLength());
        channelsFirst(g, epsLast, eps);
        NdArrays.buffer(epsilon).put(eps, 0, g.inputLength());
    }

    /**
     * Products on each example's [outC, plane] block of delta where it lies, NCHW as DL4J hands it over: the weight
     * gradient accumulated example by example, the input gradient's patches one example at a time, each turned back
     * into that example's image while still in cache.
     */
    private void backwardPerExample(Geometry g, INDArray input, INDArray weights, INDArray delta,
                                    INDArray biasGradView, INDArray weightGrad, INDArray epsilon,
                                    LayerWorkspaceMgr workspaceMgr) {
        INDArray d = contiguous(delta);
        int k = g.k();
        int plane = g.plane();
        int block = k * plane;
        int outBlock = g.outC * plane;
        biasGradient(g, d, biasGradView, workspaceMgr);
        // the weight gradient, from the forward pass's patches where kept and the input is unchanged
        float[] in = copyOut(input, Scratch.C);
        INDArray col = last.im2colOf(g, in);
        if (col != null) REUSED.incrementAndGet();
        INDArray oneBlock = col != null ? null
                : workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, k, plane);
        float[] patches = Scratch.D.get(block);
        FloatPointer wg = HostBlas.at(weightGrad, 0);
        for (int n = 0; n < g.batch; n++) {
            FloatPointer colN;
            if (col != null) {
                colN = HostBlas.at(col, (long) n * block);
            } else {
                fillIm2col(g, in, n, patches);
                colN = HostBlas.at(oneBlock, 0);
                colN.put(patches, 0, block);
            }
            HostBlas.gemm(false, true, g.outC, k, plane, HostBlas.at(d, (long) n * outBlock), plane, colN, plane,
                    n == 0 ? 0f : 1f, wg, k);
        }
        if (epsilon == null) return;
        INDArray dcol = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, k, plane);
        FloatPointer dcolAt = HostBlas.at(dcol, 0);
        FloatPointer w = HostBlas.at(contiguous(weights), 0);
        float[] dcs = Scratch.A.get(block);
        int inBlock = g.inC * g.inH * g.inW;
        float[] eps = Scratch.F.get(inBlock);
        for (int n = 0; n < g.batch; n++) {
            HostBlas.gemm(true, false, k, plane, g.outC, w, k, HostBlas.at(d, (long) n * outBlock), plane, 0f, dcolAt,
                    plane);
            dcolAt.get(dcs, 0, block);
            Arrays.fill(eps, 0, inBlock, 0f);
            col2im(g, dcs, eps);
            HostBlas.at(epsilon, (long) n * inBlock).put(eps, 0, inBlock);
        }
    }

    /**
     * The bias gradient, delta [n, outC, plane] summed over examples and positions: each (example, channel) plane by
     * one product with ones, which OpenBLAS sums with several accumulators (a plain loop's one running sum is a chain
     * of dependent additions: 0.3 ms for the seed CNN's second layer), then the examples in order.
     */
    private static void biasGradient(Geometry g, INDArray d, INDArray biasGradView, LayerWorkspaceMgr workspaceMgr) {
        int plane = g.plane();
        float[] ones = Scratch.E.get(plane);
        Arrays.fill(ones, 0, plane, 1f);
        INDArray onesArray = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, plane);
        FloatPointer onesAt = HostBlas.at(onesArray, 0);
        onesAt.put(ones, 0, plane);
        INDArray planeSums = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
                (long) g.batch * g.outC);
        HostBlas.gemv(g.batch * g.outC, plane, HostBlas.at(d, 0), plane, onesAt, HostBlas.at(planeSums, 0));
        float[] sums = copyOut(planeSums, Scratch.A);
        FloatBuffer bg = NdArrays.buffer(biasGradView);
        for (int o = 0; o < g.outC; o++) {
            float sum = 0f;
            for (int n = 0; n < g.batch; n++) sum += sums[n * g.outC + o];
            bg.put(o, sum);
        }
    }

    /** {@code a} itself where its elements lie in one 'c' order run, else a 'c' order copy. */
    private static INDArray contiguous(INDArray a) {
        return NdArrays.inPlace(a) && a.ordering() == 'c' ? a : a.dup('c');
    }

    /** The array's values in 'c' order, in a per-thread scratch array (longer than the array, reused). */
    private static float[] copyOut(INDArray a, Scratch scratch) {
        INDArray c = contiguous(a);
        float[] values = scratch.get(c.length());
        NdArrays.buffer(c).get(values, 0, (int) c.length());
        return values;
    }

    /**
     * The per-example path's patches of example {@code n} into {@code out} as [K, plane]: row (c, ky, kx), column
     * (oy, ox) holds the input pixel under that kernel tap, or 0 in the padding. Laid out so that the inner loop reads
     * a row of the image and writes a row of the buffer.
     */
    private static void fillIm2col(Geometry g, float[] in, int n, float[] out) {
        int rows = g.plane();
        for (int c = 0; c < g.inC; c++) {
            for (int ky = 0; ky < g.kH; ky++) {
                for (int kx = 0; kx < g.kW; kx++) {
                    int row = ((c * g.kH + ky) * g.kW + kx) * rows;
                    int xShift = kx * g.dW - g.pW;
                    int oxFrom = g.firstInside(xShift);
                    int oxTo = g.endInside(xShift);
                    for (int oy = 0; oy < g.outH; oy++) {
                        int dst = row + oy * g.outW;
                        int iy = oy * g.sH - g.pH + ky * g.dH;
                        if (iy < 0 || iy >= g.inH) {
                            Arrays.fill(out, dst, dst + g.outW, 0f);
                            continue;
                        }
                        int src = ((n * g.inC + c) * g.inH + iy) * g.inW + xShift;
                        if (oxFrom > 0) Arrays.fill(out, dst, dst + oxFrom, 0f);
                        if (g.sW == 1) {
                            if (oxTo > oxFrom) System.arraycopy(in, src + oxFrom, out, dst + oxFrom, oxTo - oxFrom);
                        } else {
                            for (int ox = oxFrom; ox < oxTo; ox++) out[dst + ox] = in[src + ox * g.sW];
                        }
                        if (oxTo < g.outW) Arrays.fill(out, dst + Math.max(oxFrom, oxTo), dst + g.outW, 0f);
                    }
                }
            }
        }
    }

    /**
     * The input [batch, inC, inH, inW] as [batch, inH, inW, inC], in {@code scratch}: the layout in which one kernel
     * row's taps over all channels are one run ({@link #patchRows}).
     */
    private static float[] channelsLast(Geometry g, float[] in, Scratch scratch) {
        float[] out = scratch.get(g.inputLength());
        int pixels = g.inH * g.inW;
        for (int n = 0; n < g.batch; n++) {
            int from = n * g.inC * pixels;
            for (int p = 0; p < pixels; p++) {
                int to = (n * pixels + p) * g.inC;
                for (int c = 0; c < g.inC; c++) out[to + c] = in[from + c * pixels + p];
            }
        }
        return out;
    }

    /** The reverse of {@link #channelsLast}: [batch, inH, inW, inC] into {@code out} as [batch, inC, inH, inW]. */
    private static void channelsFirst(Geometry g, float[] last, float[] out) {
        int pixels = g.inH * g.inW;
        for (int n = 0; n < g.batch; n++) {
            int to = n * g.inC * pixels;
            for (int c = 0; c < g.inC; c++) {
                int from = n * pixels * g.inC + c;
                for (int p = 0; p < pixels; p++) out[to + c * pixels + p] = last[from + p * g.inC];
            }
        }
    }

    /**
     * The weights [outC, (c, ky, kx)] with their taps reordered to (ky, kx, c), the batch path's patch order, in an
     * array of {@code type}; the caller keeps it reachable while its products read it (a pointer alone does not).
     */
    private static INDArray tapsLast(Geometry g, INDArray weights, LayerWorkspaceMgr workspaceMgr, ArrayType type) {
        float[] w = copyOut(weights, Scratch.F);
        int k = g.k();
        float[] reordered = Scratch.H.get(k * g.outC);
        int taps = g.kH * g.kW;
        for (int o = 0; o < g.outC; o++) {
            for (int c = 0; c < g.inC; c++) {
                for (int t = 0; t < taps; t++) reordered[o * k + t * g.inC + c] = w[o * k + c * taps + t];
            }
        }
        INDArray array = workspaceMgr.createUninitialized(type, DataType.FLOAT, g.outC, k);
        HostBlas.at(array, 0).put(reordered, 0, k * g.outC);
        return array;
    }

    /** The reverse of {@link #tapsLast}: a weight gradient [outC, (ky, kx, c)] into {@code out} as [outC, (c, ky, kx)]. */
    private static void tapsFirst(Geometry g, float[] last, FloatBuffer out) {
        int k = g.k();
        float[] reordered = Scratch.E.get(k * g.outC);
        int taps = g.kH * g.kW;
        for (int o = 0; o < g.outC; o++) {
            for (int c = 0; c < g.inC; c++) {
                for (int t = 0; t < taps; t++) reordered[o * k + c * taps + t] = last[o * k + t * g.inC + c];
            }
        }
        out.put(0, reordered, 0, k * g.outC);
    }

    /**
     * The batch path's patches of {@code count} examples, whose channels-last images start at {@code offset} of
     * {@code image}, as [count * plane, K] in {@code rows}: row (n, oy, ox) holds that output position's taps in
     * (ky, kx, c) order. Where {@code fill}, the rows are written from the images, 0 in the padding; else each entry of
     * the rows is added onto the image pixel it came from (the input gradient).
     *
     * <p>Why this layout rather than im2col's [K, positions]: one kernel row's taps over all channels lie side by side
     * in a channels-last image, so a row of patches is kH runs of kW x inC floats (96 for the seed CNN's second
     * layer) instead of K runs of outW (11), and the input gradient is added back in loops as long. Measured one
     * thread, batch 32, the seed CNN's second and third layers: im2col 0.30 and 0.15 ms a pass against 0.19 and 0.04
     * ms with the transposes, col2im 0.69 and 0.18 ms against 0.54 and 0.09; a training step of the seed CNN 9.2-10.4
     * ms against 8.1-8.6 ms, and two side by side 10.2-11.8 against 9.5-9.8 ms.
     */
    private static void patchRows(Geometry g, float[] image, int offset, int count, float[] rows, boolean fill) {
        int k = g.k();
        int run = g.kW * g.inC;
        for (int i = 0; i < count; i++) {
            for (int oy = 0; oy < g.outH; oy++) {
                for (int ox = 0; ox < g.outW; ox++) {
                    int row = ((i * g.outH + oy) * g.outW + ox) * k;
                    int x0 = ox * g.sW - g.pW;
                    for (int ky = 0; ky < g.kH; ky++) {
                        int iy = oy * g.sH - g.pH + ky * g.dH;
                        int taps = row + ky * run;
                        if (iy < 0 || iy >= g.inH) {
                            if (fill) Arrays.fill(rows, taps, taps + run, 0f);
                            continue;
                        }
                        int pixels = offset + (i * g.inH + iy) * g.inW * g.inC;
                        for (int kx = 0; kx < g.kW; kx++) {
                            int ix = x0 + kx * g.dW;
                            int at = taps + kx * g.inC;
                            if (ix < 0 || ix >= g.inW) {
                                if (fill) Arrays.fill(rows, at, at + g.inC, 0f);
                                continue;
                            }
                            // without dilation, the rest of the kernel row's taps as far as they lie inside: one run
                            int length = g.dW == 1 ? Math.min(g.kW - kx, g.inW - ix) * g.inC : g.inC;
                            int pixel = pixels + ix * g.inC;
                            if (fill) {
                                System.arraycopy(image, pixel, rows, at, length);
                            } else {
                                for (int j = 0; j < length; j++) image[pixel + j] += rows[at + j];
                            }
                            kx += length / g.inC - 1;
                        }
                    }
                }
            }
        }
    }

    /**
     * The reverse of {@link #fillIm2col} for one example: each entry of {@code dcol} [K, plane] added onto the input
     * pixel it came from, in {@code eps} as an image [inC, inH, inW].
     */
    private static void col2im(Geometry g, float[] dcol, float[] eps) {
        int rows = g.plane();
        for (int c = 0; c < g.inC; c++) {
            for (int ky = 0; ky < g.kH; ky++) {
                for (int kx = 0; kx < g.kW; kx++) {
                    int row = ((c * g.kH + ky) * g.kW + kx) * rows;
                    int xShift = kx * g.dW - g.pW;
                    int oxFrom = g.firstInside(xShift);
                    int oxTo = g.endInside(xShift);
                    for (int oy = 0; oy < g.outH; oy++) {
                        int iy = oy * g.sH - g.pH + ky * g.dH;
                        if (iy < 0 || iy >= g.inH) continue;
                        int src = row + oy * g.outW;
                        int dst = (c * g.inH + iy) * g.inW + xShift;
                        for (int ox = oxFrom; ox < oxTo; ox++) eps[dst + ox * g.sW] += dcol[src + ox];
                    }
                }
            }
        }
    }

    /**
     * One layer's last forward pass: the input and parameter values it read, its output before the activation, and
     * its im2col. The im2col sits outside DL4J's workspaces because it must outlive the forward pass's scope until
     * backprop's weight gradient reads it.
     */
    private static final class LastForward {
        private Geometry geometry;
        private float[] input = new float[0];
        private float[] params = new float[0];
        private float[] preOutput = new float[0];
        private INDArray col;
        private int paramsLength;

        boolean sameForward(Geometry g, float[] in, float[] p, int pCount) {
            return sameInput(g, in) && paramsLength == pCount && Arrays.equals(params, 0, pCount, p, 0, pCount);
        }

        /** The im2col of {@code in} if the last forward pass read exactly these values and kept it; else null. */
        INDArray im2colOf(Geometry g, float[] in) {
            return sameInput(g, in) ? col : null;
        }

        boolean kept() {
            return geometry != null || col != null;
        }

        /** A complete pass is kept (geometry is set last) and read these values. */
        private boolean sameInput(Geometry g, float[] in) {
            int n = g.inputLength();
            return g.equals(geometry) && Arrays.equals(input, 0, n, in, 0, n);
        }

        /**
         * Records the values a new forward pass reads; where {@code withCol}, returns the (uninitialised) array its
         * im2col goes into, else null and no patch matrix is kept.
         */
        INDArray remember(Geometry g, float[] in, float[] p, int pCount, boolean withCol) {
            int n = g.inputLength();
            if (input.length < n) input = new float[n];
            System.arraycopy(in, 0, input, 0, n);
            if (params.length < pCount) params = new float[pCount];
            paramsLength = pCount;
            System.arraycopy(p, 0, params, 0, pCount);
            geometry = null; // until complete(): a pass that fails half way must not be reused
            if (!withCol) {
                closeCol();
                return null;
            }
            if (col == null || col.size(0) != g.k() || col.size(1) != g.rows()) {
                closeCol();
                try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    col = Nd4j.createUninitialized(DataType.FLOAT, g.k(), g.rows());
                }
            }
            return col;
        }

        /** The array the new pass writes its output into. */
        float[] preOutput(int size) {
            if (preOutput.length < size) preOutput = new float[size];
            return preOutput;
        }

        void release() {
            if (col == null && geometry == null && input.length == 0) return; // nothing kept
            closeCol();
            geometry = null;
            paramsLength = 0;
            input = new float[0];
            params = new float[0];
            preOutput = new float[0];
        }

        private void closeCol() {
            if (col != null && !col.wasClosed() && col.closeable()) col.close();
            col = null;
        }

        /** The new pass's im2col and output are written: both may be reused. */
        void complete(Geometry g) {
            geometry = g;
        }
    }

    /** Per-thread float arrays that grow to the largest size asked for: training runs the same shapes every step. */
    private enum Scratch {
        A, B, C, D, E, F, G, H;

        private final HeapScratch arrays = new HeapScratch("convolution");

        float[] get(long size) {
            return arrays.get(size);
        }
    }

    /**
     * The largest per-thread buffer (floats) this helper keeps on the Java heap: 64 MB. Beyond it (large images in
     * large minibatches) DL4J's own convolution runs, in its off-heap workspaces, rather than risk an executor's heap.
     */
    static final long MAX_BUFFER = 1L << 24;

    /**
     * The most floats one layer keeps between its forward and backward passes (input, output, im2col): 16 MB. The
     * kept passes outlive the step, one per layer, so a deep network of large layers would otherwise hold hundreds of
     * megabytes; beyond it the layer recomputes, as DL4J does. The seed CNN's largest layer keeps 1.5M floats at
     * batch 32.
     */
    static final long MAX_KEPT = 1L << 22;

    /**
     * Columns of the batch path's products (examples x output positions), rounded up to whole examples: 484 for the
     * seed CNN's second layer. Measured one thread, its three products at 484 columns cost 4% more than at 3872, at
     * 242 columns 8% more, at 121 17% more.
     */
    static final int CHUNK_COLUMNS = 400;

    /**
     * How many examples each of a layer's products covers, for a minibatch of {@code batch} and {@code plane} output
     * positions per example: 1 on the per-example path, else the batch path's chunk (the last chunk may be smaller).
     */
    public static int examplesPerProduct(int batch, int plane) {
        if (plane >= PER_EXAMPLE_PLANE) return 1;
        return Math.max(1, Math.min(batch, (CHUNK_COLUMNS + plane - 1) / plane));
    }

    /** The smallest output plane (outH x outW) the per-example path takes; see {@link Geometry#perExample}. */
    static final int PER_EXAMPLE_PLANE = 256;

    /** Sizes of one convolution, or null where this helper declines. */
    record Geometry(int batch, int inC, int inH, int inW, int outC, int kH, int kW, int sH, int sW, int pH, int pW,
                    int dH, int dW, int outH, int outW) {

        int rows() {
            return batch * outH * outW;
        }

        int plane() {
            return outH * outW;
        }

        /**
         * Whether the per-example path runs: where an example's output plane is large, one product per example costs
         * no more than one for the batch, and skips the batch path's reordering and heap copies. Measured one thread,
         * AVX-512 kernels, minibatch of 32, µs per batch/per-example: the seed CNN's first layer (plane 676,
         * K 9) forward 126/72, weight gradient 260/93; its second (plane 121, K 288) forward 745/898, input gradient
         * 657/825; its third (plane 9) forward 116/222.
         */
        boolean perExample() {
            return plane() >= PER_EXAMPLE_PLANE;
        }

        /** Examples per chunk of the batch path: enough for {@link #CHUNK_COLUMNS} columns, at most the batch. */
        int chunk() {
            return examplesPerProduct(batch, plane());
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

        int inputLength() {
            return batch * inC * inH * inW;
        }

        /** Floats a kept forward pass holds: its input, its output and its im2col (what either path keeps). */
        long keptFloats() {
            return (long) inputLength() + (long) batch * outC * plane() + (long) k() * rows();
        }

        /** Output positions along one axis, as DL4J counts them (which passes the top-left padding in Same mode). */
        static int outputSize(int in, int kernel, int stride, int pad, int dilation, ConvolutionMode mode) {
            if (mode == ConvolutionMode.Same) return (in + stride - 1) / stride; // ceil(in / stride)
            return (in + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1;
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
            int outH = outputSize(inH, kH, strides[0], pad[0], dilation[0], mode);
            int outW = outputSize(inW, kW, strides[1], pad[1], dilation[1], mode);
            long rows = input.size(0) * (long) outH * outW;
            long largest = Math.max(Math.max(rows * weights.size(1) * kH * kW, rows * weights.size(0)), input.length());
            if (outH <= 0 || outW <= 0 || largest > MAX_BUFFER) return null;
            return new Geometry((int) input.size(0), (int) input.size(1), inH, inW, (int) weights.size(0), kH, kW,
                    strides[0], strides[1], pad[0], pad[1], dilation[0], dilation[1], outH, outW);
        }
    }
}
