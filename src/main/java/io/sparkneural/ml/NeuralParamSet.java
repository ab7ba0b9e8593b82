package io.sparkneural.ml;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;

import java.io.Serializable;

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
    final LongParam seed;
    final IntParam inferenceBatchSize;
    final BooleanParam trackTrainingLoss;

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
                "minibatches each worker loads ahead asynchronously; 0 = none (>= 0)", ParamValidators.gtEq(0));
        storageLevel = new Param<>(owner, "storageLevel",
                "Spark storage level of the minibatch RDD during training: " + String.join(", ", STORAGE_LEVELS),
                ParamValidators.inArray(STORAGE_LEVELS));
        seed = new LongParam(owner, "seed", "random seed for weight initialisation, shuffling and splits");
        inferenceBatchSize = new IntParam(owner, "inferenceBatchSize",
                "rows per forward pass in transform() (>= 1)", ParamValidators.gtEq(1));
        trackTrainingLoss = new BooleanParam(owner, "trackTrainingLoss",
                "compute the loss on the whole training data after each epoch (one extra forward pass per epoch)");
    }
}
