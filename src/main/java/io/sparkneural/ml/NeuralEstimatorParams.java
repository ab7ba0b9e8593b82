package io.sparkneural.ml;

import io.sparkneural.spec.Loss;
import io.sparkneural.spec.NetworkSpec;
import io.sparkneural.spec.OptimizerSpec;
import io.sparkneural.spec.ScheduleSpec;
import io.sparkneural.train.TrainingListener;

/**
 * The fluent setters both estimators share, typed to the estimator ({@code S}) so chains keep their type in Java
 * and Scala. Text-valued settings are parsed here, so a bad value fails at the setter with its position.
 */
public interface NeuralEstimatorParams<S extends NeuralEstimatorParams<S>> extends NeuralParams {

    @SuppressWarnings("unchecked")
    private S self() {
        return (S) this;
    }

    /** Network layers, e.g. {@code "dense(64, relu) dropout(0.2) dense(10, softmax)"}; required. */
    default S setLayers(String value) {
        NetworkSpec.parse(value);
        set(layers(), value);
        return self();
    }

    /** Loss; default "auto" (chosen from the output layer and the task). */
    default S setLoss(String value) {
        if (!"auto".equalsIgnoreCase(value)) Loss.parse(value);
        set(loss(), value);
        return self();
    }

    /** Optimizer, e.g. "adam" (default), "sgd(momentum=0.9, nesterov=true)", "rmsprop", "adagrad". */
    default S setOptimizer(String value) {
        OptimizerSpec.parse(value);
        set(optimizer(), value);
        return self();
    }

    /** Learning rate (> 0); default: the optimizer's Keras default. */
    default S setLearningRate(double value) { set(learningRate(), value); return self(); }
    /** Epochs (>= 1); default 10. */
    default S setEpochs(int value) { set(epochs(), value); return self(); }
    /** Minibatch rows per worker (>= 1); default 32. */
    default S setBatchSize(int value) { set(batchSize(), value); return self(); }
    /** Minibatches each worker fits between averagings (>= 1); default 5. */
    default S setAveragingFrequency(int value) { set(averagingFrequency(), value); return self(); }
    /** Training workers; default 0 = Spark's default parallelism. */
    default S setNumWorkers(int value) { set(numWorkers(), value); return self(); }
    /** Minibatches prefetched per worker by the dl4j-spark engine; default 0. */
    default S setPrefetchBatches(int value) { set(prefetchBatches(), value); return self(); }
    /** Storage level of the training minibatches; default MEMORY_ONLY_SER. */
    default S setStorageLevel(String value) { set(storageLevel(), value); return self(); }
    /** rounds (default) or dl4j-spark; see the trainingEngine Param. */
    default S setTrainingEngine(String value) { set(trainingEngine(), value); return self(); }
    /** Seed; default 42. */
    default S setSeed(long value) { set(seed(), value); return self(); }
    /** Rows per forward pass in transform(); default 1024. */
    default S setInferenceBatchSize(int value) { set(inferenceBatchSize(), value); return self(); }
    /** Full training loss and metrics after each epoch; default true. */
    default S setTrackTrainingLoss(boolean value) { set(trackTrainingLoss(), value); return self(); }
    /** Fraction of rows held out for validation, in [0, 1); default 0. */
    default S setValidationSplit(double value) { set(validationSplit(), value); return self(); }
    /** Boolean column marking validation rows; default "" (none). */
    default S setValidationIndicatorCol(String value) { set(validationIndicatorCol(), value); return self(); }
    /** Metric for early stopping and reduce_on_plateau; default "auto". */
    default S setEarlyStoppingMonitor(String value) { set(earlyStoppingMonitor(), value); return self(); }
    /** "auto", "min" or "max"; default "auto". */
    default S setEarlyStoppingMode(String value) { set(earlyStoppingMode(), value); return self(); }
    /** Epochs without improvement before stopping (>= 0); default 0 = never. */
    default S setEarlyStoppingPatience(int value) { set(earlyStoppingPatience(), value); return self(); }
    /** Smallest improvement that counts (>= 0); default 0. */
    default S setEarlyStoppingMinDelta(double value) { set(earlyStoppingMinDelta(), value); return self(); }
    /** First epoch that counts (>= 1); default 1. */
    default S setEarlyStoppingStartEpoch(int value) { set(earlyStoppingStartEpoch(), value); return self(); }
    /** Value the metric must beat; default NaN (none). */
    default S setEarlyStoppingBaseline(double value) { set(earlyStoppingBaseline(), value); return self(); }
    /** Return the best epoch's weights; default false. */
    default S setRestoreBestWeights(boolean value) { set(restoreBestWeights(), value); return self(); }
    /** Gradient clipping L2 norm per layer and parameter type (>= 0); default 0 = off. */
    default S setGradientClipNorm(double value) { set(gradientClipNorm(), value); return self(); }
    /** 0 silent, 1 line per epoch plus progress bar in a console (default), 2 line per epoch. */
    default S setVerbose(int value) { set(verbose(), value); return self(); }

    /** Checkpoint folder (local, HDFS, S3A, ...); default "" = none. */
    default S setCheckpointDir(String value) { set(checkpointDir(), value); return self(); }
    /** Epochs between checkpoints (>= 1); default 1. */
    default S setCheckpointInterval(int value) { set(checkpointInterval(), value); return self(); }
    /** Latest checkpoints kept (>= 1); default 2. */
    default S setCheckpointKeep(int value) { set(checkpointKeep(), value); return self(); }
    /** Also keep the best epoch's network in checkpointDir/best; default false. */
    default S setCheckpointKeepBest(boolean value) { set(checkpointKeepBest(), value); return self(); }
    /** "resume" (default), "restart" or "fail" when checkpointDir holds checkpoints. */
    default S setResumeMode(String value) { set(resumeMode(), value); return self(); }

    /** Example shape, e.g. "28,28,1" (height,width,channels) or "28,28" (timesteps,features); default "" = flat. */
    default S setInputShape(String value) {
        io.sparkneural.network.InputShape.parse(value);
        set(inputShape(), value);
        return self();
    }

    /** Schedule, e.g. "step(every=10, factor=0.5)"; default "constant". */
    default S setLearningRateSchedule(String value) {
        ScheduleSpec.parse(value);
        set(learningRateSchedule(), value);
        return self();
    }

    /**
     * "none" (default), "sqrt" or "linear": the learning rate times 1, the square root of the workers, or the
     * workers. With W workers an epoch is 1/W as many sequential steps, each from the average of W minibatches.
     */
    default S setLearningRateScaling(String value) {
        set(learningRateScaling(), value);
        return self();
    }

    /** Adds a listener told on the driver after each round and epoch (not a Param: not saved; copy() keeps it). */
    default S addTrainingListener(TrainingListener listener) {
        neuralParamSet().listeners().add(listener);
        return self();
    }
}
