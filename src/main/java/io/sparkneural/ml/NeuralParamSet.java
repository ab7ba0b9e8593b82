package io.sparkneural.ml;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;

import io.sparkneural.train.TrainingListener;

import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Param objects of one stage. Java has no traits with state, so the Estimator and its Model each own one
 * of these (created with the stage as parent) and expose the same Params through {@link NeuralParams}'s default
 * accessors: one declaration, shared by every stage.
 */
final class NeuralParamSet implements Serializable {
    private static final long serialVersionUID = 1L;

    static final String[] STORAGE_LEVELS = {"MEMORY_ONLY", "MEMORY_ONLY_SER", "MEMORY_AND_DISK", "MEMORY_AND_DISK_SER", "DISK_ONLY"};

    final Param<String> layers;
    final Param<String> loss;
    final Param<String> optimizer;
    final DoubleParam learningRate;
    final IntParam epochs;
    final IntParam batchSize;
    final IntParam averagingFrequency;
    final IntParam numWorkers;
    final IntParam prefetchBatches;
    final Param<String> storageLevel;
    final Param<String> trainingEngine;
    final LongParam seed;
    final IntParam inferenceBatchSize;
    final BooleanParam trackTrainingLoss;
    final DoubleParam validationSplit;
    final Param<String> validationIndicatorCol;
    final Param<String> earlyStoppingMonitor;
    final Param<String> earlyStoppingMode;
    final IntParam earlyStoppingPatience;
    final DoubleParam earlyStoppingMinDelta;
    final IntParam earlyStoppingStartEpoch;
    final DoubleParam earlyStoppingBaseline;
    final BooleanParam restoreBestWeights;
    final Param<String> learningRateSchedule;
    final Param<String> learningRateScaling;
    final DoubleParam gradientClipNorm;
    final IntParam verbose;
    final Param<String> checkpointDir;
    final IntParam checkpointInterval;
    final IntParam checkpointKeep;
    final BooleanParam checkpointKeepBest;
    final Param<String> resumeMode;
    final Param<String> inputShape;
    /** Listeners are code, not settings: not Params, not saved; copy() carries them. */
    private transient List<TrainingListener> listeners;

    /** The stage's listeners (also after Java deserialization, which skips transient fields). */
    synchronized List<TrainingListener> listeners() {
        if (listeners == null) listeners = new CopyOnWriteArrayList<>();
        return listeners;
    }

    NeuralParamSet(Identifiable owner) {
        layers = new Param<>(owner, "layers",
                "network layers in the compact text form (e.g. 'dense(64, relu) dropout(0.2) dense(10, softmax)') or JSON");
        loss = new Param<>(owner, "loss",
                "loss function: auto (chosen from the output layer and task), binary_crossentropy, "
                        + "categorical_crossentropy, sparse_categorical_crossentropy, mse, mae");
        optimizer = new Param<>(owner, "optimizer",
                "optimizer with optional arguments: sgd, sgd(momentum=0.9, nesterov=true), adam, adam(beta1=0.9), rmsprop, adagrad");
        learningRate = new DoubleParam(owner, "learningRate",
                "learning rate (> 0); when not set, the optimizer's Keras default (sgd 0.01, others 0.001)",
                ParamValidators.gt(0.0));
        epochs = new IntParam(owner, "epochs", "number of passes over the training data (>= 1)", ParamValidators.gtEq(1));
        batchSize = new IntParam(owner, "batchSize", "minibatch size per worker, in rows (>= 1)", ParamValidators.gtEq(1));
        averagingFrequency = new IntParam(owner, "averagingFrequency",
                "minibatches each worker fits between two parameter averagings (>= 1)", ParamValidators.gtEq(1));
        numWorkers = new IntParam(owner, "numWorkers",
                "parallel training workers; 0 = Spark's default parallelism (>= 0)", ParamValidators.gtEq(0));
        prefetchBatches = new IntParam(owner, "prefetchBatches",
                "minibatches each worker loads ahead asynchronously (trainingEngine=dl4j-spark only; the default engine keeps them in memory); 0 = none (>= 0)", ParamValidators.gtEq(0));
        storageLevel = new Param<>(owner, "storageLevel",
                "Spark storage level of the minibatch RDD during training: " + String.join(", ", STORAGE_LEVELS),
                ParamValidators.inArray(STORAGE_LEVELS));
        trainingEngine = new Param<>(owner, "trainingEngine",
                "how averaging rounds run: rounds (minibatches cached in Spark's block store, one job per round; the "
                + "default) or dl4j-spark (dl4j-spark's ParameterAveragingTrainingMaster, minibatches in files)",
                ParamValidators.inArray(new String[]{"rounds", "dl4j-spark"}));
        seed = new LongParam(owner, "seed", "random seed for weight initialisation, shuffling and splits");
        inferenceBatchSize = new IntParam(owner, "inferenceBatchSize",
                "rows per forward pass in transform() (>= 1)", ParamValidators.gtEq(1));
        trackTrainingLoss = new BooleanParam(owner, "trackTrainingLoss",
                "compute the loss on the whole training data after each epoch (one extra forward pass per epoch)");
        validationSplit = new DoubleParam(owner, "validationSplit",
                "fraction of rows held out for validation, seeded and stratified by label for classifiers; 0 = none ([0, 1))",
                ParamValidators.inRange(0.0, 1.0, true, false));
        validationIndicatorCol = new Param<>(owner, "validationIndicatorCol",
                "boolean column marking validation rows (true); empty = none. Takes precedence over validationSplit");
        earlyStoppingMonitor = new Param<>(owner, "earlyStoppingMonitor",
                "metric early stopping and reduce_on_plateau watch: auto (val_loss with validation data, else loss), loss, "
                        + "accuracy, rmse, mae, val_loss, val_accuracy, val_rmse, val_mae");
        earlyStoppingMode = new Param<>(owner, "earlyStoppingMode",
                "auto (max for accuracy, else min), min or max", ParamValidators.inArray(new String[]{"auto", "min", "max"}));
        earlyStoppingPatience = new IntParam(owner, "earlyStoppingPatience",
                "epochs without improvement before training stops; 0 = never stop early (>= 0)", ParamValidators.gtEq(0));
        earlyStoppingMinDelta = new DoubleParam(owner, "earlyStoppingMinDelta",
                "smallest change of the monitored metric that counts as an improvement (>= 0)", ParamValidators.gtEq(0.0));
        earlyStoppingStartEpoch = new IntParam(owner, "earlyStoppingStartEpoch",
                "first epoch (1-based) whose metric counts for early stopping (>= 1)", ParamValidators.gtEq(1));
        earlyStoppingBaseline = new DoubleParam(owner, "earlyStoppingBaseline",
                "value the monitored metric must beat before an epoch counts as best; NaN = none");
        restoreBestWeights = new BooleanParam(owner, "restoreBestWeights",
                "return the weights of the best epoch of the monitored metric instead of the last epoch's");
        learningRateSchedule = new Param<>(owner, "learningRateSchedule",
                "constant, step(every=10, factor=0.5), exponential(rate=0.96), cosine(warmup=0, min=0) or "
                        + "reduce_on_plateau(factor=0.1, patience=5, min_delta=0.0001, min_lr=0)");
        learningRateScaling = new Param<>(owner, "learningRateScaling",
                "how the learning rate grows with the workers, whose averaged steps are each one step on a minibatch "
                        + "that many times larger: none (the rate as set), sqrt (times the square root of the "
                        + "workers) or linear (times the workers)",
                ParamValidators.inArray(new String[]{"none", "sqrt", "linear"}));
        gradientClipNorm = new DoubleParam(owner, "gradientClipNorm",
                "clip each layer's weight and bias gradients to this L2 norm, as Keras's clipnorm; 0 = off (>= 0)",
                ParamValidators.gtEq(0.0));
        verbose = new IntParam(owner, "verbose",
                "0 = silent, 1 = a console line per epoch (and a progress bar in interactive consoles), 2 = a line per epoch",
                ParamValidators.inRange(0, 2));
        checkpointDir = new Param<>(owner, "checkpointDir",
                "folder (any Hadoop file system path) for training checkpoints; empty = no checkpoints");
        checkpointInterval = new IntParam(owner, "checkpointInterval",
                "write a checkpoint every this many epochs, and after the last (>= 1)", ParamValidators.gtEq(1));
        checkpointKeep = new IntParam(owner, "checkpointKeep", "how many of the latest checkpoints to keep (>= 1)",
                ParamValidators.gtEq(1));
        checkpointKeepBest = new BooleanParam(owner, "checkpointKeepBest",
                "also keep the best epoch's network (earlyStoppingMonitor) in checkpointDir/best");
        inputShape = new Param<>(owner, "inputShape",
                "shape of one example: height,width,channels for images (channels last), timesteps,features for "
                        + "sequences; empty = a flat vector (a conv net reads it as a square one-channel image)");
        resumeMode = new Param<>(owner, "resumeMode",
                "when checkpointDir already holds checkpoints: resume (continue from the latest), restart (delete them "
                        + "and start over) or fail", ParamValidators.inArray(new String[]{"resume", "restart", "fail"}));
    }
}
