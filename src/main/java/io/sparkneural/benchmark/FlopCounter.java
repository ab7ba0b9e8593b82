package io.sparkneural.benchmark;

import io.sparkneural.network.GemmConvolution;
import io.sparkneural.network.InputShape;
import io.sparkneural.network.NetworkFactory;
import io.sparkneural.spec.BatchNormSpec;
import io.sparkneural.spec.BidirectionalSpec;
import io.sparkneural.spec.Conv2dSpec;
import io.sparkneural.spec.DenseSpec;
import io.sparkneural.spec.EmbeddingSpec;
import io.sparkneural.spec.FlattenSpec;
import io.sparkneural.spec.GlobalPoolSpec;
import io.sparkneural.spec.LayerSpec;
import io.sparkneural.spec.LstmSpec;
import io.sparkneural.spec.NetworkSpec;
import io.sparkneural.spec.Pool2dSpec;
import io.sparkneural.spec.SimpleRnnSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The arithmetic one example costs a network, counted from the layer shapes alone: the multiply-adds of its dense,
 * convolutional and recurrent layers (pooling, activations, dropout and the loss are left out: they are a few
 * percent at most of the seed networks' work), and its parameter count. Training one example costs about three
 * forward passes (the forward pass, the gradient with respect to the inputs and the one with respect to the
 * weights), which is how {@link Count#trainingFlops()} counts it.
 *
 * <ul>
 *   <li>dense: {@code in x units} per example (per timestep after a sequence)</li>
 *   <li>conv2d: {@code outH x outW x kernelH x kernelW x inChannels x filters}</li>
 *   <li>lstm: {@code 4 x units x (in + units)} per timestep; simple_rnn: {@code units x (in + units)}; twice for
 *       bidirectional</li>
 * </ul>
 */
public final class FlopCounter {
  /**
   * What one example costs.
   *
   * @param parameters the network's parameters as DL4J counts them (weights, biases, an LSTM's 4 gate biases, a
   *     batch normalisation's mean and variance)
   * @param forwardMultiplyAdds multiply-adds of one forward pass
   */
  public record Count(long parameters, long forwardMultiplyAdds) {
    /** Floating-point operations of one forward pass: 2 per multiply-add. */
    public long forwardFlops() {
      return 2 * forwardMultiplyAdds;
    }

    /** Floating-point operations of one training step per example: forward plus backward, 3 forward passes. */
    public long trainingFlops() {
      return 3 * forwardFlops();
    }
  }

  /** What flows out of a layer: a flat vector, an image (h x w x c) or a sequence (t x f). */
  private record Flow(int height, int width, int channels, int timesteps, int features) {
    static Flow flat(int size) {
      return new Flow(0, 0, 0, 0, size);
    }

    static Flow image(int h, int w, int c) {
      return new Flow(h, w, c, 0, 0);
    }

    static Flow sequence(int t, int f) {
      return new Flow(0, 0, 0, t, f);
    }

    boolean isImage() {
      return channels > 0;
    }

    boolean isSequence() {
      return timesteps > 0;
    }

    int size() {
      return isImage() ? height * width * channels : isSequence() ? timesteps * features : features;
    }
  }

  private FlopCounter() {}

  /**
   * Counts the network reading examples of the given shape (a flat vector feeding a conv net is read as a square
   * one-channel image, as the estimators do).
   *
   * @throws IllegalArgumentException when the layers do not fit the input, as NetworkFactory says
   */
  public static Count count(NetworkSpec spec, InputShape input) {
    Flow flow = inputFlow(spec, input);
    long parameters = 0;
    long multiplyAdds = 0;
    for (LayerSpec layer : spec.layers()) {
      Step step = step(layer, flow);
      parameters += step.parameters();
      multiplyAdds += step.multiplyAdds();
      flow = step.out();
    }
    return new Count(parameters, multiplyAdds);
  }

  private record Step(long parameters, long multiplyAdds, Flow out) {}

  /** What the network's first layer reads. */
  private static Flow inputFlow(NetworkSpec spec, InputShape input) {
    InputShape shape = NetworkFactory.resolvedInput(spec, input);
    return shape.isImage() ? Flow.image(shape.height(), shape.width(), shape.channels())
        : shape.isSequence() ? Flow.sequence(shape.timesteps(), shape.features()) : Flow.flat(shape.features());
  }

  /**
   * A matrix multiply of a training step, {@code times} times over: {@code [m, k] x [k, n]} in floats, an operand
   * read transposed where flagged (as stored in memory).
   *
   * @param layer the layer's position in the network, from 0, and its kind
   * @param pass "forward", "weight gradient" or "input gradient"
   * @param times how often a step runs it: a convolution's products run per example or per chunk of examples
   */
  public record Gemm(String layer, String pass, int m, int k, int n, boolean transA, boolean transB, int times) {
    /** One product a step. */
    public Gemm(String layer, String pass, int m, int k, int n, boolean transA, boolean transB) {
      this(layer, pass, m, k, n, transA, transB, 1);
    }

    /** The floating-point operations of all {@code times} products. */
    public long flops() {
      return 2L * m * k * n * times;
    }
  }

  /**
   * The matrix multiplies one training step on a minibatch of {@code batch} examples runs through spark-neural's
   * dense and convolution code (DenseStack, GemmConvolution), in their layouts: per dense or conv2d layer the
   * forward product, the weight gradient and, except for the network's first layer (whose input gradient nothing
   * reads, and which spark-neural does not compute), the input gradient. Other layers' arithmetic (recurrent, batch
   * normalisation) is not listed.
   */
  public static List<Gemm> gemms(NetworkSpec spec, InputShape input, int batch) {
    Flow flow = inputFlow(spec, input);
    List<Gemm> gemms = new ArrayList<>();
    for (int i = 0; i < spec.layers().size(); i++) {
      LayerSpec layer = spec.layers().get(i);
      Step step = step(layer, flow);
      String name = i + " " + layer.getClass().getSimpleName().replace("Spec", "").toLowerCase(Locale.ROOT);
      if (layer instanceof DenseSpec d && !flow.isSequence()) {
        // DenseStack: weights [units, in]; activations [batch, in]
        int in = flow.features();
        gemms.add(new Gemm(name, "forward", batch, in, d.units(), false, true));
        gemms.add(new Gemm(name, "weight gradient", d.units(), batch, in, true, false));
        if (i > 0) gemms.add(new Gemm(name, "input gradient", batch, d.units(), in, false, false));
      } else if (layer instanceof Conv2dSpec c) {
        // GemmConvolution: weights [filters, K] times im2col [K, columns], columns = examples x output positions,
        // one product per example or per chunk of examples, the last chunk possibly smaller
        int k = c.kernelH() * c.kernelW() * flow.channels();
        int plane = step.out().height() * step.out().width();
        int per = GemmConvolution.examplesPerProduct(batch, plane);
        convolutionProducts(gemms, name, c.filters(), k, per * plane, batch / per, i > 0);
        if (batch % per > 0) convolutionProducts(gemms, name, c.filters(), k, batch % per * plane, 1, i > 0);
      }
      flow = step.out();
    }
    return gemms;
  }

  private static void convolutionProducts(List<Gemm> gemms, String layer, int filters, int k, int columns, int times,
                                          boolean inputGradient) {
    gemms.add(new Gemm(layer, "forward", filters, k, columns, false, false, times));
    gemms.add(new Gemm(layer, "weight gradient", filters, columns, k, false, true, times));
    if (inputGradient) gemms.add(new Gemm(layer, "input gradient", k, filters, columns, true, false, times));
  }

  private static Step step(LayerSpec layer, Flow in) {
    if (layer instanceof DenseSpec d) {
      long weights = (long) in.features() * d.units();
      long times = in.isSequence() ? in.timesteps() : 1;
      Flow out = in.isSequence() ? Flow.sequence(in.timesteps(), d.units()) : Flow.flat(d.units());
      return new Step(weights + d.units(), times * weights, out);
    }
    if (layer instanceof Conv2dSpec c) {
      int h = outSide(in.height(), c.kernelH(), c.strideH(), c.padding());
      int w = outSide(in.width(), c.kernelW(), c.strideW(), c.padding());
      long kernel = (long) c.kernelH() * c.kernelW() * in.channels() * c.filters();
      return new Step(kernel + c.filters(), (long) h * w * kernel, Flow.image(h, w, c.filters()));
    }
    if (layer instanceof Pool2dSpec p) {
      int h = outSide(in.height(), p.sizeH(), p.strideH(), p.padding());
      int w = outSide(in.width(), p.sizeW(), p.strideW(), p.padding());
      return new Step(0, 0, Flow.image(h, w, in.channels()));
    }
    if (layer instanceof FlattenSpec) {
      return new Step(0, 0, Flow.flat(in.size()));
    }
    if (layer instanceof GlobalPoolSpec) {
      return new Step(0, 0, Flow.flat(in.isImage() ? in.channels() : in.features()));
    }
    if (layer instanceof BatchNormSpec) {
      int n = in.isImage() ? in.channels() : in.features();
      return new Step(4L * n, 0, in);
    }
    if (layer instanceof EmbeddingSpec e) {
      int steps = in.isSequence() ? in.timesteps() : in.features();
      return new Step((long) e.vocab() * e.dim(), 0, Flow.sequence(steps, e.dim()));
    }
    if (layer instanceof LstmSpec l) {
      return recurrent(in, l.units(), 4, l.returnSequences(), 1);
    }
    if (layer instanceof SimpleRnnSpec r) {
      return recurrent(in, r.units(), 1, r.returnSequences(), 1);
    }
    if (layer instanceof BidirectionalSpec b) {
      int units = b.inner() instanceof LstmSpec l ? l.units() : ((SimpleRnnSpec) b.inner()).units();
      int gates = b.inner() instanceof LstmSpec ? 4 : 1;
      boolean sequences = b.inner() instanceof LstmSpec l ? l.returnSequences()
          : ((SimpleRnnSpec) b.inner()).returnSequences();
      Step one = recurrent(in, units, gates, sequences, 2);
      int outUnits = b.mergeMode().equals("concat") ? 2 * units : units;
      Flow out = sequences ? Flow.sequence(in.timesteps(), outUnits) : Flow.flat(outUnits);
      return new Step(one.parameters(), one.multiplyAdds(), out);
    }
    // dropout, and any layer without weights that keeps its input's shape
    return new Step(0, 0, in);
  }

  /** {@code gates} weight blocks of {@code units x (in + units)} plus biases, run over every timestep. */
  private static Step recurrent(Flow in, int units, int gates, boolean returnSequences, int directions) {
    long perStep = (long) gates * units * (in.features() + units);
    long parameters = directions * (perStep + (long) gates * units);
    Flow out = returnSequences ? Flow.sequence(in.timesteps(), units) : Flow.flat(units);
    return new Step(parameters, directions * perStep * in.timesteps(), out);
  }

  /** Keras's output size: "valid" keeps windows inside the input; "same" pads to ceil(in / stride). */
  private static int outSide(int in, int window, int stride, String padding) {
    return padding.equals("same") ? (in + stride - 1) / stride : (in - window) / stride + 1;
  }
}
