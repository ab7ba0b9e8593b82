package io.sparkneural.benchmark;

import io.sparkneural.examples.SeedNetwork;
import io.sparkneural.network.InputShape;
import io.sparkneural.spec.NetworkSpec;

/** The seed's two MNIST networks as the benchmark trains them, in the library's layer notation. */
final class SeedNetworks {
  /** The multilayer perceptron, 784-64-32-10, on flat vectors of 784 pixels. */
  static final String MLP = SeedNetwork.MLP.layers();
  /** The convolutional network, on 28x28x1 images. */
  static final String CNN = SeedNetwork.CNN.layers();
  /** The CNN's inputShape. */
  static final String CNN_INPUT_SHAPE = SeedNetwork.CNN.inputShape();

  private SeedNetworks() {}

  /** The network's example shape: 784 flat values, or the CNN's image. */
  static InputShape inputShape(String layers) {
    return layers.equals(CNN) ? InputShape.parse(CNN_INPUT_SHAPE) : InputShape.flat(784);
  }

  /** The inputShape Param's value for the network: "" (flat) or the CNN's image shape. */
  static String inputShapeParam(String layers) {
    return layers.equals(CNN) ? CNN_INPUT_SHAPE : "";
  }

  /** Parameters and arithmetic per example of the network. */
  static FlopCounter.Count cost(String layers) {
    return FlopCounter.count(NetworkSpec.parse(layers), inputShape(layers));
  }
}
