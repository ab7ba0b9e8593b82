package io.sparkneural.benchmark;

import java.nio.file.Path;
import java.util.List;

/**
 * The benchmark's settings, read from the command line (see {@link Benchmarks}).
 *
 * @param sections the sections to run, in the order they run
 * @param plainThreads ND4J thread counts the plain DL4J baselines run with, one run each
 * @param report where to write the Markdown report; null for none
 * @param fast the network and settings of the time-to-accuracy section
 * @param cnnAccuracySeeds further seeds the CNN's accuracy gap is measured at (one spark-neural and one plain
 *     one-thread fit each); empty for none
 * @param mlpRuns runs of spark-neural, plain one-thread DL4J (and in section 1b scikit-learn) on the MLPs of
 *     sections 1 and 1b, for the medians of their samples/s: the first is the section's row, the others alternate
 */
record Settings(List<String> sections, String master, int workers, int epochs, int cnnEpochs, int batchSize,
    int cnnBatchSize, int averagingFrequency, double learningRate, List<Integer> plainThreads, int trainLimit,
    int testLimit, long seed, double targetAccuracy, List<Integer> mllibIterations, List<String> mllibSolvers,
    List<Integer> scalingFrequencies, List<Integer> scalingWorkers, int scalingEpochs, int gemmSize, String python,
    String sklearnScript, int sklearnThreads, Path dataDir, Path report, Fast fast, List<Integer> cnnAccuracySeeds,
    int mlpRuns) {

  /** Section "fast": a network, minibatch size, Adam learning rate and averaging frequency chosen for speed. */
  record Fast(String layers, int epochs, int batchSize, double learningRate, int averagingFrequency) {}

  /** Every section, in the order they run: the peak first, so later sections can compare against it. */
  static final List<String> ALL_SECTIONS = List.of("peak", "datapath", "mlp", "fast", "inference", "mllib", "sklearn", "cnn",
      "scaling");

  boolean runs(String section) {
    return sections.contains(section);
  }
}
