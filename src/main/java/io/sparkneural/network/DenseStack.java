package io.sparkneural.network;

import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The gradient and score of a network made only of DL4J dense, dropout and output layers, computed in one pass over
 * native memory: BLAS {@code sgemm} for each layer's three matrix products, plain Java loops for the bias, the
 * activation, dropout and the loss. The result is what DL4J's {@code computeGradientAndScore} leaves behind (the summed
 * gradient in the network's gradient view, the score with its regularization term), so DL4J's updater, step and
 * listeners run on it unchanged.
 *
 * <p>Why not DL4J's own layers: at the seed MLP's batch of 32, {@code MultiLayerNetwork.fit} spends about 2 ms per
 * minibatch, almost all of it in ND4J's cost per op (shape buffers, op lookup, workspace bookkeeping: around 40 ops per
 * step) around 0.2 ms of arithmetic. The same arithmetic here is 5 BLAS calls and a few loops.
 *
 * <p>{@link #forInference} gives the same forward pass, dropout off, for {@link NetworkRunner}.
 *
 * <p>{@link #of} answers null for anything it does not compute exactly as DL4J does (other layers, activations or
 * losses, masks, preprocessors, layer-level dropout or weight noise, a non-float network, a GPU backend), and the
 * network then runs DL4J's own code. Dropout masks are drawn from a generator seeded by ND4J's, so a seeded run stays
 * reproducible, but they are not the masks DL4J would draw.
 */
final class DenseStack {

    enum Activation { IDENTITY, RELU, LEAKY_RELU, SIGMOID, TANH, SOFTMAX }

    enum LossKind { SOFTMAX_CROSS_ENTROPY, SIGMOID_BINARY_CROSS_ENTROPY, MSE }

    /** One dense (or output) layer and the scratch memory of its pass. */
    static final class Dense {
        final int index;
        final int nIn;
        final int nOut;
        final Activation activation;
        final float alpha;
        /** Retain probability of the dropout applied to this layer's input (DL4J's p); 1 = none. */
        final float retain;
        final INDArray weightGradient;
        final INDArray biasGradient;
        int rows;
        FloatPointer dropped;
        FloatBuffer droppedBuffer;
        float[] mask;
        FloatPointer out;
        FloatBuffer outBuffer;
        FloatPointer delta;
        FloatBuffer deltaBuffer;

        Dense(int index, int nIn, int nOut, Activation activation, float alpha, float retain,
              INDArray weightGradient, INDArray biasGradient) {
            this.index = index;
            this.nIn = nIn;
            this.nOut = nOut;
            this.activation = activation;
            this.alpha = alpha;
            this.retain = retain;
            this.weightGradient = weightGradient;
            this.biasGradient = biasGradient;
        }

        void ensure(int batch) {
            if (batch <= rows) return;
            release();
            rows = batch;
            out = new FloatPointer((long) batch * nOut);
            outBuffer = out.asBuffer();
            delta = new FloatPointer((long) batch * nOut);
            deltaBuffer = delta.asBuffer();
            if (retain < 1f) {
                dropped = new FloatPointer((long) batch * nIn);
                droppedBuffer = dropped.asBuffer();
                mask = new float[batch * nIn];
            }
        }

        void release() {
            for (FloatPointer p : new FloatPointer[] {out, delta, dropped}) {
                if (p != null) p.close();
            }
            out = delta = dropped = null;
            rows = 0;
        }
    }

    private final MultiLayerNetwork net;
    private final List<Dense> layers;
    private final LossKind loss;
    private final float clip;
    private final Gradient gradient;
    /** Inference's copy of its input rows in native memory. */
    private FloatPointer input;
    private int inputRows;

    private DenseStack(MultiLayerNetwork net, List<Dense> layers, LossKind loss, float clip, Gradient gradient) {
        this.net = net;
        this.layers = layers;
        this.loss = loss;
        this.clip = clip;
        this.gradient = gradient;
    }

    /** The fused pass for training {@code net}, or null when some part of it is not one this class computes as DL4J does. */
    static DenseStack of(MultiLayerNetwork net) {
        return of(net, true);
    }

    /**
     * The fused forward pass for inference: dropout is off, and the output layer's loss plays no part, so any loss
     * DL4J has is taken.
     */
    static DenseStack forInference(MultiLayerNetwork net) {
        return of(net, false);
    }

    /**
     * Whether spark-neural's fused code may replace DL4J's: {@code -Dio.sparkneural.fused=false} turns it off (this
     * pass, {@link FusedAdamUpdater}), to compare against or to rule it out.
     */
    static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(FUSED_PROPERTY, "true").trim());
    }

    static final String FUSED_PROPERTY = "io.sparkneural.fused";

    private static DenseStack of(MultiLayerNetwork net, boolean training) {
        if (!enabled() || !NdArrays.onCpu() || net.params() == null || net.params().dataType() != DataType.FLOAT) return null;
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        if (conf.getBackpropType() != BackpropType.Standard) return null;
        if (training && net.getFlattenedGradients() == null) net.initGradientsView(); // DL4J makes it at the first fit
        Layer[] all = net.getLayers();
        List<Dense> dense = new ArrayList<>();
        Gradient gradient = training ? new DefaultGradient(net.getFlattenedGradients()) : null;
        float retain = 1f;
        LossKind loss = null;
        float clip = 0f;
        for (int i = 0; i < all.length; i++) {
            Layer layer = all[i];
            org.deeplearning4j.nn.conf.layers.Layer c = layer.conf().getLayer();
            if (conf.getInputPreProcess(i) != null) return null;
            if (layer.getClass() == org.deeplearning4j.nn.layers.DropoutLayer.class) {
                // two dropouts in a row would multiply; DL4J's layer-level dropout schedules are not read here
                if (retain < 1f || !(c.getIDropout() instanceof Dropout d) || d.getPSchedule() != null) return null;
                retain = (float) d.getP();
                if (!(retain > 0f && retain <= 1f)) return null;
                continue;
            }
            boolean output = layer.getClass() == org.deeplearning4j.nn.layers.OutputLayer.class;
            boolean hidden = layer.getClass() == org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer.class;
            if (!(output || hidden) || output != (i == all.length - 1)) return null;
            if (!(c instanceof FeedForwardLayer f) || c.getIDropout() != null) return null;
            if (c instanceof org.deeplearning4j.nn.conf.layers.DenseLayer d && (!d.hasBias() || d.hasLayerNorm())) return null;
            if (c instanceof org.deeplearning4j.nn.conf.layers.BaseOutputLayer o && !o.hasBias()) return null;
            if (c instanceof org.deeplearning4j.nn.conf.layers.BaseLayer b && b.getWeightNoise() != null) return null;
            IActivation fn = ((org.deeplearning4j.nn.conf.layers.BaseLayer) c).getActivationFn();
            Activation activation = activation(fn);
            if (activation == null || (activation == Activation.SOFTMAX && !output)) return null;
            float alpha = fn instanceof ActivationLReLU l ? (float) l.getAlpha() : 0f;
            if (activation == Activation.LEAKY_RELU && !(alpha >= 0f)) return null; // the sign test below needs it
            int nIn = Math.toIntExact(f.getNIn());
            int nOut = Math.toIntExact(f.getNOut());
            if (!dense.isEmpty() && dense.get(dense.size() - 1).nOut != nIn) return null;
            if (!columnMajor(layer.getParam(DefaultParamInitializer.WEIGHT_KEY), nIn, nOut)
                    || !NdArrays.inPlace(layer.getParam(DefaultParamInitializer.BIAS_KEY))) {
                return null;
            }
            INDArray gw = null;
            INDArray gb = null;
            if (training) {
                Map<String, INDArray> views = DefaultParamInitializer.getInstance().getGradientsFromFlattened(layer.conf(),
                        layer.getGradientsViewArray());
                gw = views.get(DefaultParamInitializer.WEIGHT_KEY);
                gb = views.get(DefaultParamInitializer.BIAS_KEY);
                if (!columnMajor(gw, nIn, nOut) || !NdArrays.inPlace(gb) || gb.length() != nOut) return null;
                gradient.setGradientFor(i + "_" + DefaultParamInitializer.WEIGHT_KEY, gw);
                gradient.setGradientFor(i + "_" + DefaultParamInitializer.BIAS_KEY, gb);
            }
            dense.add(new Dense(i, nIn, nOut, activation, alpha, training ? retain : 1f, gw, gb));
            retain = 1f;
            if (output) {
                ILossFunction fnLoss = ((org.deeplearning4j.nn.conf.layers.BaseOutputLayer) c).getLossFn();
                if (fnLoss instanceof LossMCXENT x && fnLoss.getClass() == LossMCXENT.class && x.getWeights() == null
                        && activation == Activation.SOFTMAX) {
                    loss = LossKind.SOFTMAX_CROSS_ENTROPY;
                    clip = (float) x.getSoftmaxClipEps();
                } else if (fnLoss instanceof LossBinaryXENT x && x.getWeights() == null && activation == Activation.SIGMOID) {
                    loss = LossKind.SIGMOID_BINARY_CROSS_ENTROPY;
                    clip = (float) x.getClipEps();
                } else if (fnLoss instanceof LossMSE m && fnLoss.getClass() == LossMSE.class && m.getWeights() == null
                        && activation != Activation.SOFTMAX) {
                    loss = LossKind.MSE;
                } else if (training) {
                    return null;
                }
            }
        }
        if ((training && loss == null) || dense.isEmpty()) return null;
        return new DenseStack(net, dense, loss, clip, gradient);
    }

    private static boolean columnMajor(INDArray a, int rows, int columns) {
        return a != null && NdArrays.inPlace(a) && a.rank() == 2 && a.ordering() == 'f' && a.rows() == rows
                && a.columns() == columns;
    }

    private static Activation activation(IActivation fn) {
        if (fn instanceof ActivationReLU r) {
            boolean plain = (r.getMax() == null || r.getMax() == 0) && (r.getThreshold() == null || r.getThreshold() == 0)
                    && (r.getNegativeSlope() == null || r.getNegativeSlope() == 0);
            return plain && fn.getClass() == ActivationReLU.class ? Activation.RELU : null;
        }
        if (fn.getClass() == ActivationLReLU.class) return Activation.LEAKY_RELU;
        if (fn.getClass() == ActivationSigmoid.class) return Activation.SIGMOID;
        if (fn.getClass() == ActivationTanH.class) return Activation.TANH;
        if (fn.getClass() == ActivationIdentity.class) return Activation.IDENTITY;
        if (fn.getClass() == ActivationSoftmax.class) return Activation.SOFTMAX;
        return null;
    }

    /** The DL4J gradient whose views this pass fills: the network's flattened gradient, per layer "i_W" and "i_b". */
    Gradient gradient() {
        return gradient;
    }

    /** The layers the pass computes, in order; for tests. */
    List<Dense> layers() {
        return layers;
    }

    /**
     * Runs the forward and backward pass of {@code features} [rows, nIn] against {@code labels} [rows, nOut], both
     * float arrays in 'c' order, writes the summed gradient into the network's gradient view, and returns the loss
     * summed over the rows.
     */
    double pass(INDArray features, INDArray labels, long dropoutSeed) {
        int rows = (int) features.rows();
        forward(pointer(features), rows, new SplittableRandom(dropoutSeed));
        Dense last = layers.get(layers.size() - 1);
        double lossSum = outputDelta(last, buffer(pointer(labels), (long) rows * last.nOut), rows);
        for (int l = layers.size() - 1; l >= 0; l--) {
            Dense d = layers.get(l);
            Dense before = l > 0 ? layers.get(l - 1) : null;
            FloatPointer in = d.retain < 1f ? d.dropped : before != null ? before.out : pointer(features);
            HostBlas.gemm(true, false, d.nOut, d.nIn, rows, d.delta, d.nOut, in, d.nIn, 0f, pointer(d.weightGradient),
                    d.nIn);
            FloatBuffer biasGradient = buffer(pointer(d.biasGradient), d.nOut);
            for (int j = 0; j < d.nOut; j++) biasGradient.put(j, 0f);
            for (int r = 0; r < rows; r++) {
                int o = r * d.nOut;
                for (int j = 0; j < d.nOut; j++) biasGradient.put(j, biasGradient.get(j) + d.deltaBuffer.get(o + j));
            }
            if (before == null) continue; // no one needs the gradient of the network's input
            FloatPointer w = pointer(net.getLayer(d.index).getParam(DefaultParamInitializer.WEIGHT_KEY));
            HostBlas.gemm(false, false, rows, d.nIn, d.nOut, d.delta, d.nOut, w, d.nIn, 0f, before.delta, before.nOut);
            backpropActivation(before, d.retain < 1f ? d.mask : null, rows);
        }
        return lossSum;
    }

    /**
     * The forward pass over {@code rows} examples at {@code input} [rows, nIn] in 'c' order, leaving each layer's
     * activations in its {@code out}; dropout is drawn from {@code random}, or off where it is null.
     */
    private void forward(FloatPointer input, int rows, SplittableRandom random) {
        FloatBuffer inputBuffer = buffer(input, (long) rows * layers.get(0).nIn);
        for (Dense d : layers) {
            d.ensure(rows);
            if (d.retain < 1f && random != null) {
                dropout(d, inputBuffer, rows, random);
                input = d.dropped;
                inputBuffer = d.droppedBuffer;
            }
            FloatPointer w = pointer(net.getLayer(d.index).getParam(DefaultParamInitializer.WEIGHT_KEY));
            // DL4J keeps W [nIn, nOut] in column order, which row-major BLAS reads as W^T [nOut, nIn]
            HostBlas.gemm(false, true, rows, d.nOut, d.nIn, input, d.nIn, w, d.nIn, 0f, d.out, d.nOut);
            FloatBuffer bias = buffer(pointer(net.getLayer(d.index).getParam(DefaultParamInitializer.BIAS_KEY)), d.nOut);
            activate(d, bias, rows);
            input = d.out;
            inputBuffer = d.outBuffer;
        }
    }

    /**
     * The network's output for {@code rows} examples of {@code features} (row-major), as DL4J's {@code output(x,
     * false)} computes it: dropout off. Row-major outputs, {@code rows * nOut} values.
     */
    float[] predict(float[] features, int rows) {
        int nIn = layers.get(0).nIn;
        if (features.length < (long) rows * nIn) {
            throw new IllegalArgumentException(rows + " rows of " + nIn + " values need " + (long) rows * nIn
                    + " values, got " + features.length);
        }
        if (rows > inputRows) {
            if (input != null) input.close();
            input = new FloatPointer((long) rows * nIn);
            inputRows = rows;
        }
        input.position(0).put(features, 0, rows * nIn);
        forward(input, rows, null);
        Dense last = layers.get(layers.size() - 1);
        float[] out = new float[rows * last.nOut];
        last.outBuffer.get(0, out, 0, out.length);
        return out;
    }

    private static void dropout(Dense d, FloatBuffer input, int rows, SplittableRandom random) {
        int n = rows * d.nIn;
        float scale = 1f / d.retain;
        for (int i = 0; i < n; i++) {
            // 24 random bits as a float in [0, 1), as DL4J's inverted dropout keeps a unit with probability p
            float m = (random.nextInt() >>> 8) * 0x1p-24f < d.retain ? scale : 0f;
            d.mask[i] = m;
            d.droppedBuffer.put(i, input.get(i) * m);
        }
    }

    /** Adds the bias to the layer's product and applies its activation, in place. */
    private static void activate(Dense d, FloatBuffer bias, int rows) {
        FloatBuffer out = d.outBuffer;
        int n = d.nOut;
        for (int r = 0; r < rows; r++) {
            int o = r * n;
            switch (d.activation) {
                case IDENTITY -> {
                    for (int j = 0; j < n; j++) out.put(o + j, out.get(o + j) + bias.get(j));
                }
                case RELU -> {
                    for (int j = 0; j < n; j++) out.put(o + j, Math.max(out.get(o + j) + bias.get(j), 0f));
                }
                case LEAKY_RELU -> {
                    for (int j = 0; j < n; j++) {
                        float z = out.get(o + j) + bias.get(j);
                        out.put(o + j, z > 0f ? z : z * d.alpha);
                    }
                }
                case SIGMOID -> {
                    for (int j = 0; j < n; j++) out.put(o + j, (float) (1.0 / (1.0 + Math.exp(-(out.get(o + j) + bias.get(j))))));
                }
                case TANH -> {
                    for (int j = 0; j < n; j++) out.put(o + j, (float) Math.tanh(out.get(o + j) + bias.get(j)));
                }
                case SOFTMAX -> {
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) {
                        float z = out.get(o + j) + bias.get(j);
                        out.put(o + j, z);
                        max = Math.max(max, z);
                    }
                    double sum = 0;
                    for (int j = 0; j < n; j++) {
                        float e = (float) Math.exp(out.get(o + j) - max);
                        out.put(o + j, e);
                        sum += e;
                    }
                    float inv = (float) (1.0 / sum);
                    for (int j = 0; j < n; j++) out.put(o + j, out.get(o + j) * inv);
                }
            }
        }
    }

    /**
     * The loss's gradient at the output layer's pre-activation, per row (DL4J divides by the rows in its updater), as
     * DL4J's LossMCXENT, LossBinaryXENT and LossMSE compute it; returns the loss summed over the rows.
     */
    private double outputDelta(Dense d, FloatBuffer labels, int rows) {
        FloatBuffer out = d.outBuffer;
        FloatBuffer delta = d.deltaBuffer;
        int n = rows * d.nOut;
        double sum = 0;
        switch (loss) {
            case SOFTMAX_CROSS_ENTROPY -> {
                for (int i = 0; i < n; i++) {
                    float p = clip > 0f ? Math.min(Math.max(out.get(i), clip), 1f - clip) : out.get(i);
                    float y = labels.get(i);
                    delta.put(i, p - y);
                    if (y != 0f) sum -= y * Math.log(p);
                }
            }
            case SIGMOID_BINARY_CROSS_ENTROPY -> {
                for (int i = 0; i < n; i++) {
                    float a = out.get(i);
                    float p = clip > 0f ? Math.min(Math.max(a, clip), 1f - clip) : a;
                    float y = labels.get(i);
                    // DL4J: dL/da = (p - y) / (p (1 - p)), times the sigmoid's derivative a (1 - a)
                    delta.put(i, (p - y) / (p * (1f - p)) * (a * (1f - a)));
                    sum -= y * Math.log(p) + (1f - y) * Math.log(1f - p);
                }
            }
            case MSE -> {
                float scale = 2f / d.nOut;
                for (int i = 0; i < n; i++) {
                    float e = out.get(i) - labels.get(i);
                    delta.put(i, e * scale);
                    sum += e * e / d.nOut; // in float, as DL4J: a diverging network's loss overflows as DL4J's does
                }
                backpropActivation(d, null, rows);
            }
        }
        return sum;
    }

    /**
     * The loss DL4J's output layer gives {@code outputs} (this pass's own, row-major) against {@code labels}, summed
     * over {@code rows}; NaN where the network's loss is not one this class computes (inference takes any loss).
     */
    double lossSum(float[] outputs, float[] labels, int rows) {
        if (loss == null) return Double.NaN;
        int nOut = layers.get(layers.size() - 1).nOut;
        int n = rows * nOut;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float a = outputs[i];
            float y = labels[i];
            switch (loss) {
                case SOFTMAX_CROSS_ENTROPY -> {
                    if (y != 0f) sum -= y * Math.log(clip > 0f ? Math.min(Math.max(a, clip), 1f - clip) : a);
                }
                case SIGMOID_BINARY_CROSS_ENTROPY -> {
                    float p = clip > 0f ? Math.min(Math.max(a, clip), 1f - clip) : a;
                    sum -= y * Math.log(p) + (1f - y) * Math.log(1f - p);
                }
                case MSE -> sum += (a - y) * (a - y) / nOut; // in float, as DL4J computes it
            }
        }
        return sum;
    }

    /** Turns the gradient at a layer's output (in its delta) into the gradient at its pre-activation, in place. */
    private static void backpropActivation(Dense d, float[] mask, int rows) {
        FloatBuffer out = d.outBuffer;
        FloatBuffer delta = d.deltaBuffer;
        int n = rows * d.nOut;
        if (mask != null) {
            for (int i = 0; i < n; i++) delta.put(i, delta.get(i) * mask[i]);
        }
        switch (d.activation) {
            case IDENTITY -> { }
            case RELU -> {
                for (int i = 0; i < n; i++) if (!(out.get(i) > 0f)) delta.put(i, 0f);
            }
            case LEAKY_RELU -> {
                for (int i = 0; i < n; i++) if (!(out.get(i) > 0f)) delta.put(i, delta.get(i) * d.alpha);
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++) {
                    float a = out.get(i);
                    delta.put(i, delta.get(i) * a * (1f - a));
                }
            }
            case TANH -> {
                for (int i = 0; i < n; i++) {
                    float a = out.get(i);
                    delta.put(i, delta.get(i) * (1f - a * a));
                }
            }
            case SOFTMAX -> throw new IllegalStateException("softmax is only an output activation here");
        }
    }

    /** Frees the scratch memory; the next pass allocates it again. */
    void release() {
        for (Dense d : layers) d.release();
        if (input != null) input.close();
        input = null;
        inputRows = 0;
    }

    private static FloatPointer pointer(INDArray a) {
        return new FloatPointer(a.data().addressPointer());
    }

    private static FloatBuffer buffer(FloatPointer p, long length) {
        return p.capacity(length).limit(length).asBuffer();
    }
}
