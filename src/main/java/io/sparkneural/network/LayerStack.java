package io.sparkneural.network;

import io.sparkneural.spec.BatchNormSpec;
import io.sparkneural.spec.BidirectionalSpec;
import io.sparkneural.spec.Conv2dSpec;
import io.sparkneural.spec.DenseSpec;
import io.sparkneural.spec.DropoutSpec;
import io.sparkneural.spec.EmbeddingSpec;
import io.sparkneural.spec.FlattenSpec;
import io.sparkneural.spec.GlobalPoolSpec;
import io.sparkneural.spec.LayerSpec;
import io.sparkneural.spec.LstmSpec;
import io.sparkneural.spec.NetworkSpec;
import io.sparkneural.spec.Pool2dSpec;
import io.sparkneural.spec.SimpleRnnSpec;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import java.util.ArrayList;
import java.util.List;

/**
 * Walks a network spec layer by layer, tracking what flows between layers (a flat vector, an image or a
 * sequence) as Keras does, and builds the DL4J layers. Layers that cannot take what the previous layer gives are
 * rejected here, before any data is read, naming the layer by position and text and the shapes involved.
 */
final class LayerStack {

    /** What flows between two layers. */
    private record Flow(String kind, int height, int width, int channels, int timesteps, int features, String from) {
        static Flow flat(int size, String from) { return new Flow("flat", 0, 0, 0, 0, size, from); }
        static Flow image(int h, int w, int c, String from) { return new Flow("image", h, w, c, 0, 0, from); }
        static Flow sequence(int t, int f, String from) { return new Flow("sequence", 0, 0, 0, t, f, from); }

        String describe() {
            return switch (kind) {
                case "image" -> "an image of " + height + "x" + width + "x" + channels;
                case "sequence" -> "a sequence of " + (timesteps > 0 ? timesteps + " timesteps x " : "") + features + " features";
                default -> "a flat vector of " + features + " values";
            } + " from " + from;
        }
    }

    /**
     * The built layers and the DL4J input type of the first one.
     *
     * @param perTimestep whether the network predicts at every timestep (many-to-many) rather than once per example
     */
    record Built(List<Layer> layers, InputType inputType, InputShape shape, boolean perTimestep) {}

    private LayerStack() {}

    /**
     * @param input the example shape: given by inputShape, or a flat vector of the column's size
     */
    static Built build(NetworkSpec spec, InputShape input, ILossFunction loss, Activations activations) {
        List<LayerSpec> specs = spec.layers();
        InputShape shape = resolveInput(spec, input);
        Flow flow = shape.isImage() ? Flow.image(shape.height(), shape.width(), shape.channels(), "the input")
                : shape.isSequence() ? Flow.sequence(shape.timesteps(), shape.features(), "the input")
                : Flow.flat(shape.features(), "the input");
        List<Layer> layers = new ArrayList<>();
        boolean perTimestep = false;
        for (int i = 0; i < specs.size(); i++) {
            LayerSpec s = specs.get(i);
            String name = "layer " + (i + 1) + " " + s.toText();
            boolean last = i == specs.size() - 1;
            if (s instanceof DenseSpec d) {
                if (flow.kind().equals("image")) {
                    throw new IllegalArgumentException(name + " gets " + flow.describe() + "; put flatten or globalavgpool "
                            + "before it (Keras would apply a dense layer to each pixel)");
                }
                if (last && flow.kind().equals("sequence")) {
                    // after return_sequences=true the output layer applies to every timestep, as Keras's Dense does
                    layers.add(new RnnOutputLayer.Builder(loss).nOut(d.units()).activation(activations.of(d.activation()))
                            .l1(d.l1()).l2(NetworkFactory.kerasL2(d.l2())).build());
                    perTimestep = true;
                } else if (last) {
                    layers.add(new OutputLayer.Builder(loss).nOut(d.units()).activation(activations.of(d.activation()))
                            .l1(d.l1()).l2(NetworkFactory.kerasL2(d.l2())).build());
                } else {
                    layers.add(new DenseLayer.Builder().nOut(d.units()).activation(activations.of(d.activation()))
                            .l1(d.l1()).l2(NetworkFactory.kerasL2(d.l2())).build());
                    flow = flow.kind().equals("sequence") ? Flow.sequence(flow.timesteps(), d.units(), name)
                            : Flow.flat(d.units(), name);
                }
            } else if (s instanceof DropoutSpec dr) {
                if (dr.rate() > 0) layers.add(new DropoutLayer.Builder(1.0 - dr.rate()).build()); // DL4J: retain probability
            } else if (s instanceof Conv2dSpec c) {
                requireImage(flow, name);
                boolean same = c.padding().equals("same");
                layers.add(new ConvolutionLayer.Builder(c.kernelH(), c.kernelW()).stride(c.strideH(), c.strideW())
                        .nOut(c.filters()).convolutionMode(same ? ConvolutionMode.Same : ConvolutionMode.Truncate)
                        .activation(activations.of(c.activation())).l1(c.l1()).l2(NetworkFactory.kerasL2(c.l2())).build());
                flow = convolved(flow, c.kernelH(), c.kernelW(), c.strideH(), c.strideW(), same, c.filters(), name);
            } else if (s instanceof Pool2dSpec p) {
                requireImage(flow, name);
                boolean same = p.padding().equals("same");
                layers.add(new SubsamplingLayer.Builder(p.kind().equals("max") ? PoolingType.MAX : PoolingType.AVG)
                        .kernelSize(p.sizeH(), p.sizeW()).stride(p.strideH(), p.strideW())
                        .convolutionMode(same ? ConvolutionMode.Same : ConvolutionMode.Truncate).build());
                flow = convolved(flow, p.sizeH(), p.sizeW(), p.strideH(), p.strideW(), same, flow.channels(), name);
            } else if (s instanceof GlobalPoolSpec g) {
                requireImage(flow, name);
                layers.add(new GlobalPoolingLayer.Builder(g.kind().equals("max") ? PoolingType.MAX : PoolingType.AVG).build());
                flow = Flow.flat(flow.channels(), name);
            } else if (s instanceof FlattenSpec) {
                if (flow.kind().equals("sequence")) {
                    throw new IllegalArgumentException(name + " gets " + flow.describe() + "; flattening a sequence is not "
                            + "supported: use return_sequences=false on the last recurrent layer instead");
                }
                // DL4J flattens an image for the next dense layer by itself (a preprocessor), channels first
                if (flow.kind().equals("image")) flow = Flow.flat(flow.height() * flow.width() * flow.channels(), name);
            } else if (s instanceof BatchNormSpec b) {
                if (flow.kind().equals("sequence")) {
                    throw new IllegalArgumentException(name + " gets " + flow.describe() + "; batchnorm on sequences is not "
                            + "supported");
                }
                layers.add(new BatchNormalization.Builder().decay(b.momentum()).eps(b.epsilon()).build());
            } else if (s instanceof LstmSpec || s instanceof SimpleRnnSpec || s instanceof BidirectionalSpec) {
                requireSequence(flow, name);
                RecurrentLayer r = recurrent(s, activations);
                layers.add(r.layer());
                flow = r.returnSequences() ? Flow.sequence(flow.timesteps(), r.units(), name) : Flow.flat(r.units(), name);
            } else if (s instanceof EmbeddingSpec e) {
                if (i != 0 || !flow.kind().equals("sequence") || flow.features() != 1) {
                    throw new IllegalArgumentException(name + " must be the first layer and read token ids (a sequence of "
                            + "1 feature per timestep, e.g. inputShape 40,1 or a flat vector of 40 ids), but gets "
                            + flow.describe());
                }
                layers.add(new EmbeddingSequenceLayer.Builder().nIn(e.vocab()).nOut(e.dim()).build());
                flow = Flow.sequence(flow.timesteps(), e.dim(), name);
            } else {
                throw new IllegalArgumentException(name + " is not supported by this version");
            }
        }
        InputType type = shape.isImage() ? InputType.convolutionalFlat(shape.height(), shape.width(), shape.channels())
                : shape.isSequence() ? InputType.recurrent(shape.features(), shape.timesteps())
                : InputType.feedForward(shape.features());
        return new Built(layers, type, shape, perTimestep);
    }

    /** The example shape: inputShape when given; else a square single-channel image for conv nets; else flat. */
    private static InputShape resolveInput(NetworkSpec spec, InputShape input) {
        LayerSpec first = spec.layers().get(0);
        if (input.isImage() || input.isSequence()) return input;
        int n = input.features();
        if (spec.isConvolutional()) {
            int side = (int) Math.round(Math.sqrt(n));
            if (side * side == n && isImageLayer(first)) return InputShape.image(side, side, 1);
            throw new IllegalArgumentException("layer 1 " + first.toText() + " needs images, but the features are flat "
                    + "vectors of " + n + " values: set inputShape to height,width,channels (e.g. 28,28,1)");
        }
        if (first instanceof EmbeddingSpec) return InputShape.sequence(n, 1);
        if (spec.isRecurrent()) {
            throw new IllegalArgumentException("layer 1 " + first.toText() + " needs sequences, but the features are flat "
                    + "vectors of " + n + " values: set inputShape to timesteps,features (e.g. 28,28 for an image read "
                    + "row by row)");
        }
        return input;
    }

    private static boolean isImageLayer(LayerSpec s) {
        return s instanceof Conv2dSpec || s instanceof Pool2dSpec || s instanceof BatchNormSpec;
    }

    private static void requireImage(Flow flow, String name) {
        if (!flow.kind().equals("image")) {
            throw new IllegalArgumentException(name + " needs an image (height x width x channels), but gets "
                    + flow.describe() + "; there is no reshape layer between them");
        }
    }

    private static void requireSequence(Flow flow, String name) {
        if (!flow.kind().equals("sequence")) {
            throw new IllegalArgumentException(name + " needs a sequence (timesteps x features), but gets "
                    + flow.describe() + (flow.from().equals("the input") ? "; set inputShape to timesteps,features" : ""));
        }
    }

    /** Keras's output size: valid = floor((n - k) / s) + 1, same = ceil(n / s). */
    private static Flow convolved(Flow in, int kh, int kw, int sh, int sw, boolean same, int channels, String name) {
        int h = same ? (in.height() + sh - 1) / sh : (in.height() - kh) / sh + 1;
        int w = same ? (in.width() + sw - 1) / sw : (in.width() - kw) / sw + 1;
        if (h < 1 || w < 1) {
            throw new IllegalArgumentException(name + " gets " + in.describe() + ", smaller than its " + kh + "x" + kw
                    + " window; use padding=same, a smaller kernel, or fewer pooling layers");
        }
        return Flow.image(h, w, channels, name);
    }

    private record RecurrentLayer(Layer layer, int units, boolean returnSequences) {}

    private static RecurrentLayer recurrent(LayerSpec s, Activations activations) {
        if (s instanceof BidirectionalSpec b) {
            RecurrentLayer inner = recurrent(b.inner(), activations);
            Layer rnn = inner.layer() instanceof LastTimeStep l ? l.getUnderlying() : inner.layer();
            Bidirectional.Mode mode = switch (b.mergeMode()) {
                case "sum" -> Bidirectional.Mode.ADD;
                case "mul" -> Bidirectional.Mode.MUL;
                case "ave" -> Bidirectional.Mode.AVERAGE;
                default -> Bidirectional.Mode.CONCAT;
            };
            Layer bi = new Bidirectional(mode, rnn);
            int units = mode == Bidirectional.Mode.CONCAT ? 2 * inner.units() : inner.units();
            return new RecurrentLayer(inner.returnSequences() ? bi : new LastTimeStep(bi), units, inner.returnSequences());
        }
        Layer rnn;
        int units;
        boolean returnSequences;
        if (s instanceof LstmSpec l) {
            rnn = new LSTM.Builder().nOut(l.units()).activation(activations.of(l.activation())).build();
            units = l.units();
            returnSequences = l.returnSequences();
        } else {
            SimpleRnnSpec r = (SimpleRnnSpec) s;
            rnn = new SimpleRnn.Builder().nOut(r.units()).activation(activations.of(r.activation())).build();
            units = r.units();
            returnSequences = r.returnSequences();
        }
        return new RecurrentLayer(returnSequences ? rnn : new LastTimeStep(rnn), units, returnSequences);
    }

    /** Maps grammar activations to DL4J's; a seam so this class needs no static import of the factory. */
    interface Activations {
        org.nd4j.linalg.activations.IActivation of(io.sparkneural.spec.ActivationSpec a);
    }
}
