package io.sparkneural.network;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.learning.GradientUpdater;

import java.util.Map;
import java.util.Objects;

/**
 * SGD with classical (heavy-ball) momentum, as Keras's {@code SGD(momentum=m)}: {@code v = m*v - lr*g; w += v}.
 * DL4J ships only Nesterov momentum ({@code Nesterovs}); this fills the gap so {@code sgd(momentum=0.9)} means
 * what Keras means. Serialised in the network's JSON configuration by class name, like DL4J's own updaters.
 */
public final class Momentum extends FixedRateUpdater {
    private double momentum;

    /** For JSON deserialisation. */
    public Momentum() {
        this(0.01, 0.9);
    }

    public Momentum(double learningRate, double momentum) {
        super(learningRate);
        this.momentum = momentum;
    }

    public double getMomentum() { return momentum; }
    public void setMomentum(double momentum) { this.momentum = momentum; }

    @Override
    public long stateSize(long numParams) {
        return numParams;
    }

    @Override
    public GradientUpdater<Momentum> instantiate(INDArray viewArray, boolean initializeViewArray) {
        MomentumUpdater u = new MomentumUpdater(this);
        u.setStateViewArray(viewArray, viewArray.shape(), viewArray.ordering(), initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater<Momentum> instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        MomentumUpdater u = new MomentumUpdater(this);
        u.setState(updaterState, initializeStateArrays);
        return u;
    }

    @Override
    public Momentum clone() {
        return new Momentum(getLearningRate(), momentum);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Momentum m && m.getLearningRate() == getLearningRate() && m.momentum == momentum;
    }

    @Override
    public int hashCode() {
        return Objects.hash(getLearningRate(), momentum);
    }

    /** The per-layer state: one velocity per parameter. */
    static final class MomentumUpdater implements GradientUpdater<Momentum> {
        private static final String VELOCITY = "V";
        private final Momentum config;
        private INDArray velocity;

        MomentumUpdater(Momentum config) {
            this.config = config;
        }

        @Override
        public Momentum getConfig() {
            return config;
        }

        @Override
        public void setState(Map<String, INDArray> stateMap, boolean initialize) {
            INDArray v = stateMap.get(VELOCITY);
            if (v == null || stateMap.size() != 1) {
                throw new IllegalStateException("momentum state must hold only [" + VELOCITY + "], got " + stateMap.keySet());
            }
            if (initialize) v.assign(0);
            velocity = v;
        }

        @Override
        public Map<String, INDArray> getState() {
            return Map.of(VELOCITY, velocity);
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
            if (initialize) viewArray.assign(0);
            // a view, not a copy: the velocity must live in the network's updater state array
            velocity = Shape.newShapeNoCopy(viewArray, gradientShape, gradientOrder == 'f');
            if (velocity == null) throw new IllegalStateException("cannot view the momentum state in the gradient's shape");
        }

        /** DL4J subtracts the returned "gradient" from the parameters, so it becomes {@code -v}. */
        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            velocity.muli(config.momentum).subi(gradient.reshape(velocity.shape()).mul(config.getLearningRate()));
            gradient.assign(velocity.neg().reshape(gradient.shape()));
        }
    }
}
