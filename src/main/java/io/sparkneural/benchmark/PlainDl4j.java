package io.sparkneural.benchmark;

import io.sparkneural.network.LayerHelpers;
import io.sparkneural.network.NdArrays;
import io.sparkneural.network.NativeMemoryGuard;
import io.sparkneural.network.NetworkMemory;
import io.sparkneural.network.NetworkFactory;
import io.sparkneural.network.OutputContract;
import io.sparkneural.network.Task;
import io.sparkneural.network.TrainingNetwork;
import io.sparkneural.spec.NetworkSpec;
import io.sparkneural.spec.OptimizerSpec;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The baseline without Spark: the same network configuration the estimators build (NetworkFactory, Adam), fitted by
 * {@code MultiLayerNetwork.fit} on one machine, over minibatches cut from the rows shuffled anew every epoch (seeded).
 * An epoch's time includes cutting its minibatches from the driver's arrays; the test accuracy after each epoch is
 * measured outside the timed part.
 */
final class PlainDl4j {
  private static final int EVALUATION_BATCH = 1000;

  private PlainDl4j() {}

  /**
   * Trains a fresh network with ND4J limited to {@code threads} threads.
   *
   * @param learningRate Adam's learning rate
   */
  static TrainingRun train(String layers, MnistData.Arrays2d train, MnistData.Arrays2d test, int epochs,
      int batchSize, double learningRate, long seed, int threads) {
    return Nd4jThreads.with(threads, () -> trainHere(layers, train, test, epochs, batchSize, learningRate, seed,
        threads, true));
  }

  /**
   * As {@link #train} on one thread, but every layer runs DL4J's own code: a plain {@code MultiLayerNetwork} without
   * spark-neural's LayerHelpers (convolution, pooling) or TrainingNetwork (fused dense pass and Adam step).
   */
  static TrainingRun trainWithDl4jLayers(String layers, MnistData.Arrays2d train, MnistData.Arrays2d test,
      int epochs, int batchSize, double learningRate, long seed) {
    return Nd4jThreads.with(1, () -> trainHere(layers, train, test, epochs, batchSize, learningRate, seed, 1, false));
  }

  /**
   * The machine's own ceiling for data-parallel training without Spark: {@code copies} independent networks, each
   * on its own thread (ND4J and BLAS threads 1) and on every {@code copies}-th row, trained side by side and never
   * averaged. An epoch lasts until the last copy is done, so samples/s counts all the rows over that time, what
   * spark-neural's workers would reach with nothing but their own minibatches to compute. The test accuracy is the
   * first copy's, a network that saw 1/{@code copies} of the rows.
   *
   * <p>Why: the CNN's target asks two workers for 1.9x one thread. Two threads running the same step side by side
   * are each slower than one alone (a scratch probe: 8.0-9.2 ms a step alone, 8.9-10.5 ms side by side), so this
   * run measures the ceiling the machine sets, for the very code the workers run.
   */
  static TrainingRun trainSideBySide(String layers, MnistData.Arrays2d train, MnistData.Arrays2d test, int epochs,
      int batchSize, double learningRate, long seed, int copies) {
    return Nd4jThreads.with(1, () -> sideBySide(layers, train, test, epochs, batchSize, learningRate, seed, copies));
  }

  private static TrainingRun sideBySide(String layers, MnistData.Arrays2d train, MnistData.Arrays2d test,
      int epochs, int batchSize, double learningRate, long seed, int copies) {
    HeapSettling.settle();
    List<MultiLayerNetwork> nets = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(copies);
    try {
      List<int[]> orders = new ArrayList<>();
      List<Random> randoms = new ArrayList<>();
      for (int c = 0; c < copies; c++) {
        nets.add(network(layers, learningRate, seed, true));
        orders.add(shard(train.rows(), copies, c));
        randoms.add(new Random(seed + c));
      }
      List<TrainingRun.Point> curve = new ArrayList<>();
      double seconds = 0;
      for (int epoch = 1; epoch <= epochs; epoch++) {
        CountDownLatch ready = new CountDownLatch(copies);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < copies; c++) {
          MultiLayerNetwork net = nets.get(c);
          int[] order = orders.get(c);
          Random random = randoms.get(c);
          boolean last = epoch == epochs;
          done.add(threads.submit(() -> {
            try {
              shuffle(order, random);
              ready.countDown();
              await(go);
              net.fit(new Minibatches(train, order, batchSize));
            } finally {
              if (last) {
                // DL4J's workspaces belong to the thread, and this pool's threads end with the run
                Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
              }
            }
          }));
        }
        await(ready);
        long start = System.nanoTime();
        go.countDown();
        for (Future<?> f : done) {
          f.get();
        }
        seconds += (System.nanoTime() - start) / 1e9;
        curve.add(new TrainingRun.Point(epoch, seconds, accuracy(nets.get(0), test)));
      }
      return new TrainingRun("plain DL4J", copies + " trainings side by side, 1 thread each, batch " + batchSize
          + ", each on 1/" + copies + " of the rows, never averaged", train.rows(), curve, seconds, seconds,
          curve.get(curve.size() - 1).testAccuracy());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the side-by-side trainings ran", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a side-by-side training failed: " + e.getCause(), e.getCause());
    } finally {
      threads.shutdownNow();
      // a copy still training after the other failed must stop before its parameters' memory is freed
      if (awaitQuietly(threads)) {
        nets.forEach(NetworkMemory::release);
      }
    }
  }

  /** Waits up to a minute for the pool's threads to end; false (and the memory left to the GC) if they do not. */
  private static boolean awaitQuietly(ExecutorService threads) {
    try {
      return threads.awaitTermination(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The rows copy {@code copy} of {@code copies} trains on: every {@code copies}-th, from row {@code copy}. */
  static int[] shard(int rows, int copies, int copy) {
    int[] order = new int[Math.max(0, (rows - copy + copies - 1) / copies)];
    for (int i = 0; i < order.length; i++) {
      order[i] = copy + i * copies;
    }
    return order;
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the side-by-side trainings waited to start", e);
    }
  }

  private static TrainingRun trainHere(String layers, MnistData.Arrays2d train, MnistData.Arrays2d test, int epochs,
      int batchSize, double learningRate, long seed, int threads, boolean ownLayers) {
    HeapSettling.settle();
    MultiLayerNetwork net = network(layers, learningRate, seed, ownLayers);
    try {
      Random random = new Random(seed);
      int[] order = new int[train.rows()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      List<TrainingRun.Point> curve = new ArrayList<>();
      double seconds = 0;
      for (int epoch = 1; epoch <= epochs; epoch++) {
        long start = System.nanoTime();
        shuffle(order, random);
        net.fit(new Minibatches(train, order, batchSize));
        seconds += (System.nanoTime() - start) / 1e9;
        curve.add(new TrainingRun.Point(epoch, seconds, accuracy(net, test)));
      }
      return new TrainingRun("plain DL4J", threads + (threads == 1 ? " thread" : " threads") + ", batch " + batchSize
          + (ownLayers ? "" : ", DL4J's own layers"),
          train.rows(), curve, seconds, seconds, curve.get(curve.size() - 1).testAccuracy());
    } finally {
      NetworkMemory.release(net);
    }
  }

  /** The estimators' network for {@code layers} with Adam, initialized, the memory cap checked after each step. */
  private static MultiLayerNetwork network(String layers, double learningRate, long seed, boolean ownLayers) {
    NetworkSpec spec = NetworkSpec.parse(layers);
    OutputContract output = OutputContract.resolve(spec, "auto", Task.CLASSIFICATION, 10);
    MultiLayerConfiguration conf = NetworkFactory.configuration(spec, SeedNetworks.inputShape(layers), output,
        OptimizerSpec.parse("adam"), learningRate, seed, 0);
    // spark-neural's workers train a TrainingNetwork (fused dense pass and Adam step); the baseline with ownLayers
    // does too, so the ratio measures Spark's part alone, and without them it is DL4J's own code throughout
    MultiLayerNetwork net = ownLayers ? new TrainingNetwork(conf) : new MultiLayerNetwork(conf);
    net.init();
    if (ownLayers) {
      LayerHelpers.install(net); // as the estimators do, so the ratio measures Spark's part alone
    }
    // the estimators' memory cap, after every minibatch as their workers check it: with JavaCPP's own check off,
    // nothing else frees the native arrays training drops while the heap is quiet (a full run grew to 11.7 GB
    // when this loop still cut new minibatch arrays every epoch)
    net.addListeners(new BaseTrainingListener() {
      @Override
      public void iterationDone(Model model, int iteration, int epoch) {
        NativeMemoryGuard.check();
      }
    });
    return net;
  }

  private static void shuffle(int[] order, Random random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  /**
   * An epoch's minibatches of the rows in the given order, features [n, width] and one-hot labels [n, 10], each cut
   * when DL4J asks for it into the same two arrays.
   *
   * <p>Why not the epoch's minibatches as a list of new arrays, as before: that is 188 MB of new native memory an
   * epoch, and fresh memory is slow here. A 2 s profile (perf, DWARF stacks) of section 1b's plain run
   * found 76% of its thread in page faults under ND4J's allocation of those arrays, and that run's samples/s moved
   * between 42k and 189k from run to run. spark-neural's workers cut their minibatches into reused arrays too
   * (RowChunk.Reuse). Not asynchronous: DL4J fits a minibatch before it asks for the next, so the arrays are free
   * to refill.
   */
  static final class Minibatches implements DataSetIterator {
    private final MnistData.Arrays2d data;
    private final int[] order;
    private final int batchSize;
    private final float[] zeros;
    private INDArray features;
    private INDArray labels;
    private boolean inPlace;
    private int start;

    Minibatches(MnistData.Arrays2d data, int[] order, int batchSize) {
      this.data = data;
      this.order = order;
      this.batchSize = batchSize;
      this.zeros = new float[batchSize * 10];
    }

    @Override
    public boolean hasNext() {
      return start < order.length;
    }

    @Override
    public DataSet next() {
      if (!hasNext()) {
        throw new NoSuchElementException("the epoch's " + order.length + " rows are all cut");
      }
      int n = Math.min(batchSize, order.length - start);
      int width = data.width();
      if (features == null || features.size(0) != n) {
        features = Nd4j.createUninitialized(DataType.FLOAT, new long[]{n, width}, 'c');
        labels = Nd4j.createUninitialized(DataType.FLOAT, new long[]{n, 10}, 'c');
        inPlace = NdArrays.inPlace(features) && NdArrays.inPlace(labels);
      }
      FloatBuffer x = inPlace ? NdArrays.buffer(features) : FloatBuffer.allocate(n * width);
      FloatBuffer y = inPlace ? NdArrays.buffer(labels) : FloatBuffer.allocate(n * 10);
      y.put(0, zeros, 0, n * 10);
      for (int i = 0; i < n; i++) {
        int row = order[start + i];
        x.put(i * width, data.features(), row * width, width);
        y.put(i * 10 + data.labels()[row], 1f);
      }
      start += n;
      if (!inPlace) {
        // off the CPU backend the arrays are not host memory to write into: new ones, as RowChunk.Reuse makes
        return new DataSet(NdArrays.floats(x.array(), n, width), NdArrays.floats(y.array(), n, 10));
      }
      return new DataSet(features, labels);
    }

    @Override
    public DataSet next(int num) {
      throw new UnsupportedOperationException("minibatches are cut at the size given");
    }

    @Override
    public int inputColumns() {
      return data.width();
    }

    @Override
    public int totalOutcomes() {
      return 10;
    }

    @Override
    public boolean resetSupported() {
      return false;
    }

    @Override
    public boolean asyncSupported() {
      return false; // the arrays are refilled by the next call
    }

    @Override
    public void reset() {
      throw new UnsupportedOperationException("one pass per epoch: a new iterator for the next");
    }

    @Override
    public int batch() {
      return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
      throw new UnsupportedOperationException("no preprocessing in the baseline");
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
      return null;
    }

    @Override
    public List<String> getLabels() {
      return null;
    }
  }

  /** Test accuracy: the share of rows whose most probable class is the label. */
  static double accuracy(MultiLayerNetwork net, MnistData.Arrays2d test) {
    int width = test.width();
    long correct = 0;
    for (int start = 0; start < test.rows(); start += EVALUATION_BATCH) {
      int n = Math.min(EVALUATION_BATCH, test.rows() - start);
      NativeMemoryGuard.check();
      float[] x = java.util.Arrays.copyOfRange(test.features(), start * width, (start + n) * width);
      INDArray predicted = net.output(Nd4j.createFromArray(x).reshape('c', n, width), false).argMax(1);
      for (int i = 0; i < n; i++) {
        if (predicted.getInt(i) == test.labels()[start + i]) {
          correct++;
        }
      }
    }
    return correct / (double) test.rows();
  }
}
