package io.sparkneural.benchmark;

import io.sparkneural.ml.NeuralClassificationModel;
import io.sparkneural.ml.NeuralClassifier;
import io.sparkneural.train.EpochRecord;
import io.sparkneural.train.TrainingListener;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains a seed network with {@link NeuralClassifier} on local Spark. The test rows ride along as validation rows
 * ({@code validationIndicatorCol}), so each epoch reports its test accuracy; the evaluation's time is taken out of
 * every figure. Training loss tracking and console progress are off.
 */
final class SparkNeuralRun {
  /**
   * How the run went, beyond its curve.
   *
   * @param run the curve and times
   * @param roundsPerEpoch averaging rounds in the last epoch
   * @param setupSeconds from calling fit() to the first epoch's start (checks, conversion to minibatches)
   */
  record Result(TrainingRun run, int roundsPerEpoch, double setupSeconds, NeuralClassificationModel model) {}

  private SparkNeuralRun() {}

  /**
   * @param workers parallel workers (Spark tasks, one ND4J thread each under {@code OMP_NUM_THREADS=1})
   * @param averagingFrequency minibatches each worker fits between averaging rounds
   */
  static Result train(MnistData data, String layers, int epochs, int batchSize, int workers, int averagingFrequency,
      double learningRate, long seed) {
    return train(data, layers, epochs, batchSize, workers, averagingFrequency, learningRate, seed, "rounds");
  }

  /** @param engine the trainingEngine Param: rounds (the default) or dl4j-spark */
  static Result train(MnistData data, String layers, int epochs, int batchSize, int workers, int averagingFrequency,
      double learningRate, long seed, String engine) {
    HeapSettling.settle();
    EpochClock clock = new EpochClock(data.trainRows);
    NeuralClassifier classifier = new NeuralClassifier()
        .setFeaturesCol("features").setLabelCol("label")
        .setLayers(layers)
        .setInputShape(SeedNetworks.inputShapeParam(layers))
        .setLoss("sparse_categorical_crossentropy")
        .setOptimizer("adam").setLearningRate(learningRate)
        .setEpochs(epochs).setBatchSize(batchSize)
        .setAveragingFrequency(averagingFrequency).setNumWorkers(workers)
        .setSeed(seed)
        .setTrainingEngine(engine)
        .setTrackTrainingLoss(false)
        .setVerbose(0)
        .setValidationIndicatorCol(MnistData.TEST_FLAG)
        .addTrainingListener(clock);
    clock.fitStart = System.nanoTime();
    NeuralClassificationModel model = classifier.fit(data.trainWithTestFlagged());
    double fitSeconds = (System.nanoTime() - clock.fitStart) / 1e9;
    String setting = String.format(Locale.ROOT, "%d worker%s, averaging every %d, batch %d%s", workers,
        workers == 1 ? "" : "s", averagingFrequency, batchSize, engine.equals("rounds") ? "" : ", engine " + engine);
    double evaluation = clock.evaluationSeconds();
    TrainingRun run = new TrainingRun("spark-neural", setting, data.trainRows, clock.curve, clock.trainSeconds,
        fitSeconds - evaluation, clock.curve.get(clock.curve.size() - 1).testAccuracy());
    return new Result(run, clock.rounds, (clock.trainingStart - clock.fitStart) / 1e9, model);
  }

  /** Records each epoch's end, its training time and its test accuracy (the run's val_accuracy). */
  private static final class EpochClock implements TrainingListener, Serializable {
    private static final long serialVersionUID = 1L;
    private final long rowsPerEpoch;
    long fitStart;
    long trainingStart;
    double trainSeconds;
    int rounds;
    final List<TrainingRun.Point> curve = new ArrayList<>();
    private double evaluationSeconds;

    EpochClock(long rowsPerEpoch) {
      this.rowsPerEpoch = rowsPerEpoch;
    }

    @Override
    public void onTrainingStart(int epochs) {
      trainingStart = System.nanoTime();
    }

    @Override
    public void onRoundEnd(int epoch, int round, int rounds) {
      this.rounds = rounds;
    }

    @Override
    public void onEpochEnd(EpochRecord record) {
      // samplesPerSecond counts the epoch's training alone; the rest of its seconds went to the evaluation
      double fit = record.samplesPerSecond() > 0 ? rowsPerEpoch / record.samplesPerSecond() : record.seconds();
      trainSeconds += fit;
      evaluationSeconds += Math.max(0, record.seconds() - fit);
      double wall = (System.nanoTime() - fitStart) / 1e9 - evaluationSeconds;
      curve.add(new TrainingRun.Point(record.epoch(), wall, record.metric("val_accuracy")));
    }

    double evaluationSeconds() {
      return evaluationSeconds;
    }
  }
}
