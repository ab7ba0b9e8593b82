package io.sparkneural.network;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * The network spark-neural trains: DL4J's {@code MultiLayerNetwork}, whose gradient, for a network of dense, dropout
 * and output layers, {@link DenseStack} computes in one fused pass instead of DL4J's layer-by-layer ops. Everything
 * around the gradient stays DL4J's: {@code fit}, the updater (regularization, gradient clipping, Adam), the step, the
 * iteration count, listeners' {@code iterationDone}, saving and inference. Any other network, or any minibatch the
 * fused pass does not take (masks, another data type), runs DL4J's own code. Its Adam steps, on any network whose
 * parameters are one block of {@link FlushToZeroAdam} without regularization, go through {@link FusedAdamUpdater}.
 */
public class TrainingNetwork extends MultiLayerNetwork {
    private transient DenseStack stack;
    private transient boolean planned;
    private transient Updater examined;

    public TrainingNetwork(MultiLayerConfiguration conf) {
        super(conf);
    }

    /** Whether the last training pass, or the next one if none ran, uses the fused dense pass. */
    public boolean fused() {
        return plan() != null;
    }

    @Override
    public void computeGradientAndScore() {
        fuseUpdater();
        DenseStack s = plan();
        INDArray x = getInput();
        INDArray y = getLabels();
        if (s == null || x == null || y == null || getMask() != null || getLabelsMaskArray() != null
                || x.dataType() != DataType.FLOAT || y.dataType() != DataType.FLOAT || x.rank() != 2 || y.rank() != 2
                || !listenersOnlyCountIterations()) {
            GemmConvolution.withoutInputGradient(this, super::computeGradientAndScore);
            return;
        }
        int rows = (int) x.rows();
        double loss = s.pass(contiguous(x), contiguous(y), Nd4j.getRandom().nextLong());
        gradient = s.gradient();
        score = loss / rows + calcRegularizationScore(true);
    }

    /**
     * Puts {@link FusedAdamUpdater} in place of DL4J's updater where it applies. Called before every gradient, which
     * DL4J computes just before it updates: whoever replaced the updater since (restoring a checkpoint, a new
     * learning rate) gets it examined again.
     */
    private void fuseUpdater() {
        Updater current = getUpdater(true);
        if (current == examined || current instanceof FusedAdamUpdater || !DenseStack.enabled()) return;
        examined = current;
        if (current instanceof MultiLayerUpdater m) {
            FusedAdamUpdater fused = FusedAdamUpdater.wrap(this, m);
            if (fused != null) {
                setUpdater(fused);
                examined = fused;
            }
        }
    }

    private DenseStack plan() {
        if (!planned) {
            stack = DenseStack.of(this);
            planned = true;
        }
        return stack;
    }

    DenseStack stackForTests() {
        return plan();
    }

    /** The label mask DL4J would apply; the output layer holds it. */
    private INDArray getLabelsMaskArray() {
        return getOutputLayer().getMaskArray();
    }

    private static INDArray contiguous(INDArray a) {
        return a.ordering() == 'c' && NdArrays.inPlace(a) && !a.isView() ? a : a.dup('c');
    }

    /**
     * Whether the listeners read nothing but the end of an iteration: the fused pass keeps no per-layer activations to
     * hand to {@code onForwardPass} or {@code onBackwardPass}.
     */
    private boolean listenersOnlyCountIterations() {
        if (getListeners() == null) return true;
        for (TrainingListener l : getListeners()) {
            if (!(l instanceof BaseTrainingListener) || overrides(l, "onForwardPass", Model.class, List.class)
                    || overrides(l, "onForwardPass", Model.class, java.util.Map.class)
                    || overrides(l, "onBackwardPass", Model.class)) {
                return false;
            }
        }
        return true;
    }

    private static boolean overrides(Object listener, String method, Class<?>... parameters) {
        try {
            return listener.getClass().getMethod(method, parameters).getDeclaringClass() != BaseTrainingListener.class;
        } catch (NoSuchMethodException e) {
            return true;
        }
    }

    /** Frees the fused pass's scratch memory (DL4J's own arrays are freed by {@link NetworkMemory}). */
    public void releaseScratch() {
        if (stack != null) stack.release();
    }
}
