package io.sparkneural.ml;

import io.sparkneural.network.NetworkState;
import io.sparkneural.persist.ModelFiles;
import org.apache.spark.ml.util.MLWriter;

import java.io.IOException;

/** What both fitted models offer beyond Spark's model API: the training summary and the network. */
public interface NeuralModel extends NeuralParams {

    /** The network and what training recorded; not a Param. */
    NeuralModelSupport modelSupport();

    /** Per-epoch history (as a DataFrame), early stopping's outcome, warnings and provenance of the training run. */
    default NeuralTrainingSummary summary() {
        return new NeuralTrainingSummary(modelSupport().summary);
    }

    /** 1-based epoch with the best value of the monitored metric (earlyStoppingMonitor); 0 when none counted. */
    default int bestEpoch() {
        return modelSupport().summary.bestEpoch();
    }

    /** Epoch after which early stopping ended training; 0 when all epochs ran. */
    default int stoppedEpoch() {
        return modelSupport().summary.stoppedEpoch();
    }

    /** Best value of the monitored metric, or NaN. */
    default double bestScore() {
        return modelSupport().summary.bestValue();
    }

    /** Training loss after each epoch. */
    default double[] trainingLossHistory() {
        return modelSupport().summary.lossHistory();
    }

    /** The trained network's state (configuration, parameters, optimizer state). */
    default NetworkState networkState() {
        return modelSupport().state;
    }

    /** The features column (Spark's featuresCol Param). */
    String getFeaturesCol();

    /** Where each feature value goes in the network's input, from the inputShape Param. */
    default io.sparkneural.network.ExampleLayout exampleLayout() {
        return NeuralTraining.layout(this, NeuralTraining.spec(this), modelSupport().numFeatures, getFeaturesCol());
    }

    /** Whether the network predicts at every timestep (its output layer follows return_sequences=true). */
    default boolean predictsPerTimestep() {
        io.sparkneural.network.ExampleLayout layout = exampleLayout();
        return layout.shape().isSequence()
                && io.sparkneural.network.NetworkFactory.predictsPerTimestep(NeuralTraining.spec(this), layout.shape());
    }

    /** Single-row predict gives one value; a per-timestep network needs transform. */
    default void requireOnePrediction() {
        if (predictsPerTimestep()) {
            throw new UnsupportedOperationException(uid() + " predicts at every timestep; use transform, which gives "
                    + "an array per row");
        }
    }

    /** Spark's writer for this model: metadata with the Params, and the network in data/. */
    default MLWriter neuralWriter(int numClasses) {
        NeuralModel self = this;
        return new MLWriter() {
            @Override
            public void saveImpl(String path) {
                NeuralModelSupport m = self.modelSupport();
                try {
                    ModelFiles.save(self, m.state, new ModelFiles.ModelInfo(m.numFeatures, numClasses, m.summary), path,
                            sparkSession().sparkContext());
                } catch (IOException e) {
                    throw new IllegalStateException("Cannot save " + self.uid() + " to " + path + ": " + e.getMessage(), e);
                }
            }
        };
    }
}
