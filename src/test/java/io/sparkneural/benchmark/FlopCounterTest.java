package io.sparkneural.benchmark;

import io.sparkneural.network.InputShape;
import io.sparkneural.network.NetworkFactory;
import io.sparkneural.network.OutputContract;
import io.sparkneural.network.Task;
import io.sparkneural.spec.NetworkSpec;
import io.sparkneural.spec.OptimizerSpec;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Counts checked against hand arithmetic, and parameter counts against DL4J's own. */
class FlopCounterTest {

  @Test
  void seedMlpCountsItsThreeDenseLayers() {
    FlopCounter.Count c = FlopCounter.count(NetworkSpec.parse(SeedNetworks.MLP), InputShape.flat(784));
    // 784*64 + 64*32 + 32*10 multiply-adds; the same plus 64 + 32 + 10 biases as parameters
    assertEquals(50_176 + 2_048 + 320, c.forwardMultiplyAdds());
    assertEquals(52_650, c.parameters());
    assertEquals(2L * 52_544, c.forwardFlops());
    assertEquals(6L * 52_544, c.trainingFlops());
  }

  @Test
  void seedCnnCountsEachConvolutionAtItsOutputSize() {
    FlopCounter.Count c = FlopCounter.count(NetworkSpec.parse(SeedNetworks.CNN), InputShape.image(28, 28, 1));
    long conv1 = 26L * 26 * 3 * 3 * 1 * 32;   // 28 -> 26, pooled to 13
    long conv2 = 11L * 11 * 3 * 3 * 32 * 64;  // 13 -> 11, pooled to 5
    long conv3 = 3L * 3 * 3 * 3 * 64 * 64;    // 5 -> 3, flattened to 576
    long dense = 576L * 64 + 64 * 10;
    assertEquals(conv1 + conv2 + conv3 + dense, c.forwardMultiplyAdds());
    assertEquals(2_794_240, c.forwardMultiplyAdds());
    assertEquals(93_322, c.parameters());
  }

  @Test
  void theSeedCnnsMatrixMultipliesAreItsLayersInGemmConvolutionsLayout() {
    NetworkSpec spec = NetworkSpec.parse(SeedNetworks.CNN);
    java.util.List<FlopCounter.Gemm> gemms = FlopCounter.gemms(spec, InputShape.image(28, 28, 1), 32);
    // three convolutions and two dense layers, three products each but the first layer's input gradient
    assertEquals(14, gemms.size());
    // the first layer's 26x26 planes: one product per example
    assertEquals(new FlopCounter.Gemm("0 conv2d", "forward", 32, 9, 26 * 26, false, false, 32), gemms.get(0));
    assertEquals(new FlopCounter.Gemm("0 conv2d", "weight gradient", 32, 26 * 26, 9, false, true, 32),
        gemms.get(1));
    // the second's 11x11 planes: chunks of 4 examples
    assertEquals(new FlopCounter.Gemm("2 conv2d", "input gradient", 288, 64, 4 * 11 * 11, true, false, 8),
        gemms.get(4));
    // the third's 3x3 planes: the whole minibatch at once
    assertEquals(new FlopCounter.Gemm("4 conv2d", "forward", 64, 576, 32 * 3 * 3, false, false, 1), gemms.get(5));
    assertEquals(new FlopCounter.Gemm("6 dense", "forward", 32, 576, 64, false, true), gemms.get(8));
    long total = gemms.stream().mapToLong(FlopCounter.Gemm::flops).sum();
    long firstInputGradient = 2L * 26 * 26 * 9 * 32 * 32;
    assertEquals(32 * FlopCounter.count(spec, InputShape.image(28, 28, 1)).trainingFlops() - firstInputGradient,
        total);
  }

  @Test
  void aMinibatchThatIsNotWholeChunksEndsWithASmallerProduct() {
    NetworkSpec spec = NetworkSpec.parse(SeedNetworks.CNN);
    java.util.List<FlopCounter.Gemm> gemms = FlopCounter.gemms(spec, InputShape.image(28, 28, 1), 30);
    // the second layer: 7 chunks of 4 examples, then one of 2
    assertEquals(new FlopCounter.Gemm("2 conv2d", "forward", 64, 288, 4 * 11 * 11, false, false, 7), gemms.get(2));
    assertEquals(new FlopCounter.Gemm("2 conv2d", "forward", 64, 288, 2 * 11 * 11, false, false, 1), gemms.get(5));
    assertEquals(17, gemms.size());
    long total = gemms.stream().mapToLong(FlopCounter.Gemm::flops).sum();
    assertEquals(30 * FlopCounter.count(spec, InputShape.image(28, 28, 1)).trainingFlops() - 2L * 26 * 26 * 9 * 32 * 30,
        total);
  }

  @Test
  void theSeedMlpsMatrixMultipliesSkipOnlyTheFirstInputGradient() {
    java.util.List<FlopCounter.Gemm> gemms = FlopCounter.gemms(NetworkSpec.parse(SeedNetworks.MLP),
        InputShape.flat(784), 128);
    assertEquals(8, gemms.size());
    assertEquals(new FlopCounter.Gemm("0 dense", "weight gradient", 64, 128, 784, true, false), gemms.get(1));
    assertEquals(new FlopCounter.Gemm("2 dense", "input gradient", 128, 32, 64, false, false), gemms.get(4));
  }

  @Test
  void aFlatVectorFeedingAConvNetIsReadAsASquareImage() {
    NetworkSpec spec = NetworkSpec.parse(SeedNetworks.CNN);
    assertEquals(FlopCounter.count(spec, InputShape.image(28, 28, 1)), FlopCounter.count(spec, InputShape.flat(784)));
  }

  @Test
  void lstmCountsFourGatesPerTimestep() {
    FlopCounter.Count c = FlopCounter.count(NetworkSpec.parse("lstm(128) dense(10, softmax)"), InputShape.sequence(28, 28));
    assertEquals(28L * 4 * 128 * (28 + 128) + 128 * 10, c.forwardMultiplyAdds());
    assertEquals(4L * 128 * (28 + 128) + 4 * 128 + 128 * 10 + 10, c.parameters());
  }

  @Test
  void samePaddingAndStridesShrinkTheImageByTheStride() {
    FlopCounter.Count c = FlopCounter.count(
        NetworkSpec.parse("conv2d(8, 3x3, relu, stride=2, padding=same) flatten dense(2, softmax)"), InputShape.image(9, 9, 3));
    // 9 / 2 rounded up = 5
    assertEquals(5L * 5 * 3 * 3 * 3 * 8 + 5 * 5 * 8 * 2, c.forwardMultiplyAdds());
  }

  @Test
  void parameterCountsMatchDl4j() {
    for (String layers : new String[] {SeedNetworks.MLP, SeedNetworks.CNN, "lstm(16, return_sequences=true) lstm(8) dense(3, softmax)",
        "conv2d(4, 3x3, relu) batchnorm maxpool2d(2x2) globalavgpool dense(3, softmax)"}) {
      NetworkSpec spec = NetworkSpec.parse(layers);
      InputShape input = layers.startsWith("lstm") ? InputShape.sequence(10, 6) : SeedNetworks.inputShape(layers);
      OutputContract out = OutputContract.resolve(spec, "auto", Task.CLASSIFICATION, spec.outputLayer().units());
      MultiLayerNetwork net = new MultiLayerNetwork(
          NetworkFactory.configuration(spec, input, out, OptimizerSpec.parse("adam"), 1e-3, 1, 0));
      net.init();
      try {
        assertEquals(net.numParams(), FlopCounter.count(spec, input).parameters(), layers);
      } finally {
        net.close();
      }
    }
  }
}
