package io.sparkneural.network;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Objects;

/**
 * Adam with DL4J's and Keras's arithmetic, where a moment estimate, or a step, that would be a subnormal float is
 * zero instead, as TensorFlow's CPU kernels get by running with flush-to-zero.
 *
 * <p>Why not DL4J's {@code Adam}: parameters whose gradient is zero for many steps in a row (the weights of MNIST's
 * always-blank border pixels, dead ReLU units) decay their first moment by {@code beta1} each step into subnormal
 * floats, which x86 computes on a slow microcode path. On the seed MLP's 52,650 parameters with a third of the
 * gradients zero, DL4J's Adam op went from 0.67 ms to 2.3 ms per step once that happened, more than the forward and
 * backward passes together at batch 32. A first moment is zeroed once the step it gives falls below 1.2e-38 (or it
 * does itself), and a second moment once it falls below 1.2e-38, where {@code epsilon} outweighs it by far: neither
 * moves a float weight of any normal size.
 *
 * <p>On ND4J's CPU backend the step is one Java loop over the native memory of the gradient and both moments; on any
 * other backend (CUDA, whose floats have no subnormal penalty) it is DL4J's own Adam op. The state layout is DL4J's:
 * first moments, then second moments, so checkpoints and averaging treat both alike.
 */
public final class FlushToZeroAdam extends FixedRateUpdater {
    private double beta1;
    private double beta2;
    private double epsilon;

    /** For JSON deserialisation; Keras's defaults. */
    public FlushToZeroAdam() {
        this(1e-3, 0.9, 0.999, 1e-7);
    }

    public FlushToZeroAdam(double learningRate, double beta1, double beta2, double epsilon) {
        super(learningRate);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    public double getBeta1() { return beta1; }
    public void setBeta1(double beta1) { this.beta1 = beta1; }
    public double getBeta2() { return beta2; }
    public void setBeta2(double beta2) { this.beta2 = beta2; }
    public double getEpsilon() { return epsilon; }
    public void setEpsilon(double epsilon) { this.epsilon = epsilon; }

    @Override
    public long stateSize(long numParams) {
        return 2 * numParams;
    }

    @Override
    public GradientUpdater<FlushToZeroAdam> instantiate(INDArray viewArray, boolean initializeViewArray) {
        AdamState u = new AdamState(this);
        u.setStateViewArray(viewArray, new long[] {viewArray.length() / 2}, viewArray.ordering(), initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater<FlushToZeroAdam> instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        AdamState u = new AdamState(this);
        u.setState(updaterState, initializeStateArrays);
        return u;
    }

    @Override
    public FlushToZeroAdam clone() {
        return new FlushToZeroAdam(getLearningRate(), beta1, beta2, epsilon);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlushToZeroAdam a && a.getLearningRate() == getLearningRate() && a.beta1 == beta1
                && a.beta2 == beta2 && a.epsilon == epsilon;
    }

    @Override
    public int hashCode() {
        return Objects.hash(getLearningRate(), beta1, beta2, epsilon);
    }

    @Override
    public String toString() {
        return "FlushToZeroAdam(lr=" + getLearningRate() + ", beta1=" + beta1 + ", beta2=" + beta2 + ", epsilon=" + epsilon + ")";
    }

    /** The per-block state: first and second moment per parameter, views into the network's updater state. */
    static final class AdamState implements GradientUpdater<FlushToZeroAdam> {
        private static final String M = "M";
        private static final String V = "V";
        private final FlushToZeroAdam config;
        private INDArray m;
        private INDArray v;

        AdamState(FlushToZeroAdam config) {
            this.config = config;
        }

        @Override
        public FlushToZeroAdam getConfig() {
            return config;
        }

        @Override
        public void setState(Map<String, INDArray> stateMap, boolean initialize) {
            if (!stateMap.containsKey(M) || !stateMap.containsKey(V) || stateMap.size() != 2) {
                throw new IllegalStateException("adam state must hold [" + M + ", " + V + "], got " + stateMap.keySet());
            }
            m = stateMap.get(M);
            v = stateMap.get(V);
            if (initialize) {
                m.assign(0);
                v.assign(0);
            }
        }

        @Override
        public Map<String, INDArray> getState() {
            return Map.of(M, m, V, v);
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
            if (initialize) viewArray.assign(0);
            INDArray flat = viewArray.reshape(viewArray.length());
            long half = flat.length() / 2;
            // views, not copies: the moments must live in the network's updater state array
            m = Shape.newShapeNoCopy(flat.get(NDArrayIndex.interval(0, half)), gradientShape, gradientOrder == 'f');
            v = Shape.newShapeNoCopy(flat.get(NDArrayIndex.interval(half, 2 * half)), gradientShape, gradientOrder == 'f');
            if (m == null || v == null) throw new IllegalStateException("cannot view the adam state in the gradient's shape");
        }

        /** Turns {@code gradient} into the step DL4J subtracts from the parameters. */
        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            if (m == null) throw new IllegalStateException("adam state not set");
            if (!applyDivided(gradient, 1f, iteration)) {
                Nd4j.exec(new org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater(gradient, v, m, config.getLearningRate(), config.beta1,
                        config.beta2, config.epsilon, iteration));
            }
        }

        /**
         * As {@link #applyUpdater} on {@code gradient / divisor}, in the same pass (DL4J divides the summed gradient by
         * the minibatch size in an op of its own before the updater); false, doing nothing, where the arrays are not
         * in host memory in one run.
         */
        boolean applyDivided(INDArray gradient, float divisor, int iteration) {
            if (m == null) throw new IllegalStateException("adam state not set");
            if (!(NdArrays.inPlace(gradient) && NdArrays.inPlace(m) && NdArrays.inPlace(v))) return false;
            step(NdArrays.buffer(gradient), NdArrays.buffer(m), NdArrays.buffer(v), (int) gradient.length(), iteration,
                    config.getLearningRate(), divisor);
            return true;
        }

        /**
         * DL4J's adam_updater kernel (in float, as it computes for float arrays), plus the flush. It works on blocks
         * copied to Java arrays: element-wise reads and writes of the native buffers cost about 10 ns an element
         * (0.57 ms a step for the seed MLP's 52,650 parameters, more than its whole fused forward and backward pass).
         * On arrays, Adam itself compiles to SIMD code, but not with the flush's selects in the same loop: one loop
         * with them took 155 us a step for those parameters, Adam alone and then the flush where it applies 86 us.
         */
        private void step(FloatBuffer g, FloatBuffer mb, FloatBuffer vb, int n, int iteration, double learningRate,
                          float divisor) {
            float b1 = (float) config.beta1;
            float b2 = (float) config.beta2;
            float eps = (float) config.epsilon;
            float lr = (float) learningRate;
            float b1t = (float) Math.pow(b1, iteration + 1);
            float b2t = (float) Math.pow(b2, iteration + 1);
            float alpha = lr * (float) Math.sqrt(1f - b2t) / (1f - b1t);
            if (Float.isNaN(alpha) || Float.isInfinite(alpha) || alpha == 0) alpha = eps;
            float c1 = 1f - b1;
            float c2 = 1f - b2;
            // |m| * 2^126 * alpha < den  <=>  the step m / den * alpha would be subnormal; both sides stay normal
            float stepScale = 0x1p126f * alpha;
            Blocks blocks = BLOCKS.get();
            float[] ga = blocks.g;
            float[] ma = blocks.m;
            float[] va = blocks.v;
            float[] da = blocks.d;
            for (int start = 0; start < n; start += Blocks.SIZE) {
                int len = Math.min(Blocks.SIZE, n - start);
                g.get(start, ga, 0, len);
                mb.get(start, ma, 0, len);
                vb.get(start, va, 0, len);
                // Adam without the flush, in a loop the JIT turns into SIMD code (no selects: 0.2 ns an element)
                for (int i = 0; i < len; i++) {
                    float gi = ga[i] / divisor;
                    float mi = b1 * ma[i] + gi * c1 + 0f; // + 0f: a -0 moment is +0, as the flush below makes it
                    float vi = b2 * va[i] + gi * gi * c2;
                    float den = (float) Math.sqrt(vi) + eps;
                    ma[i] = mi;
                    va[i] = vi;
                    da[i] = den;
                    ga[i] = mi / den * alpha;
                }
                // then the flush, where it changes anything: a subnormal second moment, or a nonzero first moment
                // that is subnormal or whose step would be; the same values as flushing before the step, bit for bit
                for (int i = 0; i < len; i++) {
                    float mi = ma[i];
                    float vi = va[i];
                    float ami = Math.abs(mi);
                    if ((vi < Float.MIN_NORMAL & vi != 0f) | (ami != 0f & (ami < Float.MIN_NORMAL | ami * stepScale < da[i]))) {
                        if (vi < Float.MIN_NORMAL) {
                            vi = 0f;
                            va[i] = 0f;
                        }
                        float den = (float) Math.sqrt(vi) + eps;
                        if (ami < Float.MIN_NORMAL || ami * stepScale < den) {
                            ma[i] = 0f;
                            ga[i] = 0f;
                        } else {
                            // divided before scaled, so a normal step never passes through a subnormal product
                            ga[i] = mi / den * alpha;
                        }
                    }
                }
                g.put(start, ga, 0, len);
                mb.put(start, ma, 0, len);
                vb.put(start, va, 0, len);
            }
        }
    }

    /** Per-thread scratch blocks of the step: small enough to stay in the L1/L2 cache between copy and compute. */
    private static final class Blocks {
        static final int SIZE = 4096;
        final float[] g = new float[SIZE];
        final float[] m = new float[SIZE];
        final float[] v = new float[SIZE];
        final float[] d = new float[SIZE];
    }

    private static final ThreadLocal<Blocks> BLOCKS = ThreadLocal.withInitial(Blocks::new);
}
