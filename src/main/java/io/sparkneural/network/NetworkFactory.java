package io.sparkneural.network;

import io.sparkneural.spec.ActivationSpec;
import io.sparkneural.spec.Loss;
import io.sparkneural.spec.NetworkSpec;
import io.sparkneural.spec.OptimizerSpec;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.*;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMAE;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;


/**
 * Turns a {@link NetworkSpec} into a DL4J configuration that means what the same Keras model means:
 * Glorot-uniform weights and zero biases, dropout as the fraction dropped, Keras's l2 penalty
 * ({@code l2 * sum(w^2)}, which DL4J writes as {@code coefficient/2 * sum(w^2)}), and Keras's optimizer defaults.
 */
public final class NetworkFactory {
    private NetworkFactory() {}

    /** For flat feature vectors of {@code numInputs} values; see the {@link InputShape} overload. */
    public static MultiLayerConfiguration configuration(NetworkSpec spec, int numInputs, OutputContract output,
                                                        OptimizerSpec optimizer, double learningRate, long seed,
                                                        double clipNorm) {
        return configuration(spec, InputShape.flat(numInputs), output, optimizer, learningRate, seed, clipNorm);
    }

    /**
     * @param input        one example's shape: a flat vector, an image (height,width,channels) or a sequence
     *                     (timesteps,features); a flat vector feeding a conv net must be a square grayscale image
     * @param learningRate learning rate (> 0)
     * @param seed         weight initialisation seed
     * @param clipNorm     clip each layer's weight and bias gradients to this L2 norm (Keras's clipnorm); 0 = off
     * @throws IllegalArgumentException when a layer cannot take what the previous one gives, naming both
     */
    public static MultiLayerConfiguration configuration(NetworkSpec spec, InputShape input, OutputContract output,
                                                        OptimizerSpec optimizer, double learningRate, long seed,
                                                        double clipNorm) {
        NeuralNetConfiguration.Builder global = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER_UNIFORM)
                .updater(updater(optimizer, learningRate));
        if (clipNorm > 0) {
            global.gradientNormalization(GradientNormalization.ClipL2PerParamType).gradientNormalizationThreshold(clipNorm);
        }
        LayerStack.Built built = LayerStack.build(spec, input, lossFunction(output.loss()), NetworkFactory::activation);
        // keep the sizes set explicitly (an embedding's vocabulary); infer the rest from the input type
        NeuralNetConfiguration.ListBuilder list = global.list().overrideNinUponBuild(false);
        for (Layer layer : built.layers()) list.layer(layer);
        return list.setInputType(built.inputType()).build();
    }

    /** The example shape the network reads: {@code input}, or the image shape inferred for a conv net. */
    public static InputShape resolvedInput(NetworkSpec spec, InputShape input) {
        return LayerStack.build(spec, input, new LossMCXENT(), NetworkFactory::activation).shape();
    }

    /** Whether the network predicts at every timestep (a dense output layer after return_sequences=true). */
    public static boolean predictsPerTimestep(NetworkSpec spec, InputShape input) {
        return LayerStack.build(spec, input, new LossMCXENT(), NetworkFactory::activation).perTimestep();
    }

    /** Keras adds {@code l2 * sum(w^2)}; DL4J adds {@code c * 0.5 * sum(w^2)}: c = 2 * l2. */
    static double kerasL2(double l2) {
        return 2.0 * l2;
    }

    /** The DL4J activation for an activation name of the layer grammar. */
    public static IActivation activation(ActivationSpec a) {
        return switch (a.name()) {
            case "relu" -> new ActivationReLU();
            case "relu6" -> new ActivationReLU6();
            case "sigmoid" -> new ActivationSigmoid();
            case "tanh" -> new ActivationTanH();
            case "leaky_relu" -> new ActivationLReLU(a.alpha());
            case "elu" -> new ActivationELU(a.alpha());
            case "selu" -> new ActivationSELU();
            case "gelu" -> new ActivationGELU(true); // tanh approximation, as Keras gelu(approximate=True)
            case "swish" -> new ActivationSwish();
            case "mish" -> new ActivationMish();
            case "softplus" -> new ActivationSoftPlus();
            case "softsign" -> new ActivationSoftSign();
            case "softmax" -> new ActivationSoftmax();
            case "linear" -> new ActivationIdentity();
            default -> throw new IllegalArgumentException("activation " + a.name() + " has no DL4J counterpart");
        };
    }

    static ILossFunction lossFunction(Loss loss) {
        return switch (loss) {
            case BINARY_CROSSENTROPY -> new LossBinaryXENT();
            // labels reach the network one-hot in both cases: Spark's label column holds class indices
            case CATEGORICAL_CROSSENTROPY, SPARSE_CATEGORICAL_CROSSENTROPY -> new LossMCXENT();
            case MSE -> new LossMSE();
            case MAE -> new LossMAE();
        };
    }

    /** The DL4J updater for an optimizer of the grammar, with Keras's defaults. */
    public static IUpdater updater(OptimizerSpec o, double lr) {
        return switch (o.name()) {
            case "sgd" -> o.momentum() <= 0 ? new Sgd(lr)
                    : o.nesterov() ? new Nesterovs(lr, o.momentum()) : new Momentum(lr, o.momentum());
            case "adam" -> new FlushToZeroAdam(lr, o.beta1(), o.beta2(), o.epsilon());
            case "rmsprop" -> new RmsProp(lr, o.rho(), o.epsilon());
            case "adagrad" -> new AdaGrad(lr, o.epsilon());
            default -> throw new IllegalArgumentException("optimizer " + o.name() + " has no DL4J counterpart");
        };
    }
}
