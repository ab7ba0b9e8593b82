package io.sparkneural.examples;

import java.util.Locale;

/** The seed's MNIST networks in the library's layer notation, shared by the MNIST job and the benchmark. */
public enum SeedNetwork {
  /** The multilayer perceptron, 784-64-32-10, on flat vectors of 784 pixels. */
  MLP("dense(64, relu) dropout(0.2) dense(32, relu) dropout(0.2) dense(10, softmax)", ""),
  /** The convolutional network, on 28x28x1 images. */
  CNN("conv2d(32, 3x3, relu) maxpool2d(2x2) conv2d(64, 3x3, relu) maxpool2d(2x2) conv2d(64, 3x3, relu) flatten "
      + "dense(64, relu) dropout(0.5) dense(10, softmax)", "28,28,1"),
  /** An LSTM reading the image row by row: 28 timesteps of 28 pixels. */
  LSTM("lstm(128) dense(10, softmax)", "28,28");

  private final String layers;
  private final String inputShape;

  SeedNetwork(String layers, String inputShape) {
    this.layers = layers;
    this.inputShape = inputShape;
  }

  /** The layers Param's value. */
  public String layers() {
    return layers;
  }

  /** The inputShape Param's value; "" where the network reads flat vectors. */
  public String inputShape() {
    return inputShape;
  }

  /** The lower-case name used on command lines. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
