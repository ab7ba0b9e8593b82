package io.sparkneural.ml;

import io.sparkneural.spec.OptimizerSpec;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The Params every spark-neural stage shares (Estimators and their Models alike). Spark finds Params by
 * reflection over public no-argument methods returning a {@link Param}; the default methods below are those
 * accessors, so each Param shows in {@code explainParams()}, is copied by {@code copy()} and is persisted.
 */
public interface NeuralParams extends Params {

    /** The stage's own Param objects; not a Param itself. */
    NeuralParamSet neuralParamSet();

    /** Network layers, compact text or JSON. No default: it must be set. */
    default Param<String> layers() { return neuralParamSet().layers; }
    /** Loss name. Default "auto". */
    default Param<String> loss() { return neuralParamSet().loss; }
    /** Optimizer text. Default "adam". */
    default Param<String> optimizer() { return neuralParamSet().optimizer; }
    /** Learning rate. No default: the optimizer's Keras default applies. */
    default DoubleParam learningRate() { return neuralParamSet().learningRate; }
    /** Epochs. Default 10. */
    default IntParam epochs() { return neuralParamSet().epochs; }
    /** Minibatch rows per worker. Default 32. */
    default IntParam batchSize() { return neuralParamSet().batchSize; }
    /** Minibatches between averagings. Default 5. */
    default IntParam averagingFrequency() { return neuralParamSet().averagingFrequency; }
    /** Training workers; 0 = default parallelism. Default 0. */
    default IntParam numWorkers() { return neuralParamSet().numWorkers; }
    /** Minibatches prefetched per worker by the dl4j-spark engine. Default 0. */
    default IntParam prefetchBatches() { return neuralParamSet().prefetchBatches; }
    /** Storage level of the training minibatches. Default MEMORY_ONLY_SER. */
    default Param<String> storageLevel() { return neuralParamSet().storageLevel; }
    /** How averaging rounds run: rounds (default) or dl4j-spark. */
    default Param<String> trainingEngine() { return neuralParamSet().trainingEngine; }
    /** Random seed. Default 42. */
    default LongParam seed() { return neuralParamSet().seed; }
    /** Rows per forward pass in transform(). Default 1024. */
    default IntParam inferenceBatchSize() { return neuralParamSet().inferenceBatchSize; }
    /** Whether to compute the full training loss after each epoch. Default true. */
    default BooleanParam trackTrainingLoss() { return neuralParamSet().trackTrainingLoss; }

    /** Held-out fraction. Default 0. */
    default DoubleParam validationSplit() { return neuralParamSet().validationSplit; }
    /** Boolean validation column. Default "" (none). */
    default Param<String> validationIndicatorCol() { return neuralParamSet().validationIndicatorCol; }
    /** Monitored metric. Default "auto". */
    default Param<String> earlyStoppingMonitor() { return neuralParamSet().earlyStoppingMonitor; }
    /** min, max or auto. Default "auto". */
    default Param<String> earlyStoppingMode() { return neuralParamSet().earlyStoppingMode; }
    /** Epochs without improvement before stopping. Default 0 (off). */
    default IntParam earlyStoppingPatience() { return neuralParamSet().earlyStoppingPatience; }
    /** Minimum improvement. Default 0. */
    default DoubleParam earlyStoppingMinDelta() { return neuralParamSet().earlyStoppingMinDelta; }
    /** First epoch that counts. Default 1. */
    default IntParam earlyStoppingStartEpoch() { return neuralParamSet().earlyStoppingStartEpoch; }
    /** Baseline to beat. Default NaN (none). */
    default DoubleParam earlyStoppingBaseline() { return neuralParamSet().earlyStoppingBaseline; }
    /** Restore the best epoch's weights. Default false. */
    default BooleanParam restoreBestWeights() { return neuralParamSet().restoreBestWeights; }
    /** Learning-rate schedule. Default "constant". */
    default Param<String> learningRateSchedule() { return neuralParamSet().learningRateSchedule; }
    default Param<String> learningRateScaling() { return neuralParamSet().learningRateScaling; }
    /** Gradient clipping norm. Default 0 (off). */
    default DoubleParam gradientClipNorm() { return neuralParamSet().gradientClipNorm; }
    /** Console output level. Default 1. */
    default IntParam verbose() { return neuralParamSet().verbose; }

    /** Checkpoint folder. Default "" (none). */
    default Param<String> checkpointDir() { return neuralParamSet().checkpointDir; }
    /** Epochs between checkpoints. Default 1. */
    default IntParam checkpointInterval() { return neuralParamSet().checkpointInterval; }
    /** Checkpoints kept. Default 2. */
    default IntParam checkpointKeep() { return neuralParamSet().checkpointKeep; }
    /** Keep the best epoch's network too. Default false. */
    default BooleanParam checkpointKeepBest() { return neuralParamSet().checkpointKeepBest; }
    /** resume, restart or fail. Default "resume". */
    default Param<String> resumeMode() { return neuralParamSet().resumeMode; }

    /** Example shape. Default "" (flat). */
    default Param<String> inputShape() { return neuralParamSet().inputShape; }
    default String getInputShape() { return getOrDefault(inputShape()); }

    default String getCheckpointDir() { return getOrDefault(checkpointDir()); }
    default int getCheckpointInterval() { return (Integer) getOrDefault(checkpointInterval()); }
    default int getCheckpointKeep() { return (Integer) getOrDefault(checkpointKeep()); }
    default boolean getCheckpointKeepBest() { return (Boolean) getOrDefault(checkpointKeepBest()); }
    default String getResumeMode() { return getOrDefault(resumeMode()); }

    default double getValidationSplit() { return (Double) getOrDefault(validationSplit()); }
    default String getValidationIndicatorCol() { return getOrDefault(validationIndicatorCol()); }
    default String getEarlyStoppingMonitor() { return getOrDefault(earlyStoppingMonitor()); }
    default String getEarlyStoppingMode() { return getOrDefault(earlyStoppingMode()); }
    default int getEarlyStoppingPatience() { return (Integer) getOrDefault(earlyStoppingPatience()); }
    default double getEarlyStoppingMinDelta() { return (Double) getOrDefault(earlyStoppingMinDelta()); }
    default int getEarlyStoppingStartEpoch() { return (Integer) getOrDefault(earlyStoppingStartEpoch()); }
    default double getEarlyStoppingBaseline() { return (Double) getOrDefault(earlyStoppingBaseline()); }
    default boolean getRestoreBestWeights() { return (Boolean) getOrDefault(restoreBestWeights()); }
    default String getLearningRateSchedule() { return getOrDefault(learningRateSchedule()); }
    default String getLearningRateScaling() { return getOrDefault(learningRateScaling()); }
    default double getGradientClipNorm() { return (Double) getOrDefault(gradientClipNorm()); }
    default int getVerbose() { return (Integer) getOrDefault(verbose()); }

    default String getLayers() { return getOrDefault(layers()); }
    default String getLoss() { return getOrDefault(loss()); }
    default String getOptimizer() { return getOrDefault(optimizer()); }
    default int getEpochs() { return (Integer) getOrDefault(epochs()); }
    default int getBatchSize() { return (Integer) getOrDefault(batchSize()); }
    default int getAveragingFrequency() { return (Integer) getOrDefault(averagingFrequency()); }
    default int getNumWorkers() { return (Integer) getOrDefault(numWorkers()); }
    default int getPrefetchBatches() { return (Integer) getOrDefault(prefetchBatches()); }
    default String getStorageLevel() { return getOrDefault(storageLevel()); }
    default String getTrainingEngine() { return getOrDefault(trainingEngine()); }
    default long getSeed() { return (Long) getOrDefault(seed()); }
    default int getInferenceBatchSize() { return (Integer) getOrDefault(inferenceBatchSize()); }
    default boolean getTrackTrainingLoss() { return (Boolean) getOrDefault(trackTrainingLoss()); }

    /** The learning rate set, or the optimizer's Keras default when none is. */
    default double getLearningRate() {
        return isDefined(learningRate()) ? (Double) getOrDefault(learningRate())
                : OptimizerSpec.parse(getOptimizer()).defaultLearningRate();
    }

    /** Called once from each stage's constructor. */
    default void setNeuralDefaults() {
        setDefault(loss(), "auto");
        setDefault(optimizer(), "adam");
        setDefault(epochs(), 10);
        setDefault(batchSize(), 32);
        setDefault(averagingFrequency(), 20);
        setDefault(numWorkers(), 0);
        setDefault(prefetchBatches(), 0);
        setDefault(storageLevel(), "MEMORY_ONLY_SER");
        setDefault(trainingEngine(), "rounds");
        setDefault(seed(), 42L);
        setDefault(inferenceBatchSize(), 1024);
        setDefault(trackTrainingLoss(), true);
        setDefault(validationSplit(), 0.0);
        setDefault(validationIndicatorCol(), "");
        setDefault(earlyStoppingMonitor(), "auto");
        setDefault(earlyStoppingMode(), "auto");
        setDefault(earlyStoppingPatience(), 0);
        setDefault(earlyStoppingMinDelta(), 0.0);
        setDefault(earlyStoppingStartEpoch(), 1);
        setDefault(earlyStoppingBaseline(), Double.NaN);
        setDefault(restoreBestWeights(), false);
        setDefault(learningRateSchedule(), "constant");
        setDefault(learningRateScaling(), "none");
        setDefault(gradientClipNorm(), 0.0);
        setDefault(verbose(), 1);
        setDefault(checkpointDir(), "");
        setDefault(checkpointInterval(), 1);
        setDefault(checkpointKeep(), 2);
        setDefault(checkpointKeepBest(), false);
        setDefault(resumeMode(), "resume");
        setDefault(inputShape(), "");
    }
}
