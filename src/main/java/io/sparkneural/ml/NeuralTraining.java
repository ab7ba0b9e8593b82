package io.sparkneural.ml;

import io.sparkneural.data.DataChecks;
import io.sparkneural.data.LabelRule;
import io.sparkneural.data.MinibatchConverter;
import io.sparkneural.network.NetworkFactory;
import io.sparkneural.network.OutputContract;
import io.sparkneural.network.Task;
import io.sparkneural.persist.Versions;
import io.sparkneural.spec.NetworkSpec;
import io.sparkneural.spec.OptimizerSpec;
import io.sparkneural.train.ParameterAveragingTrainer;
import io.sparkneural.train.TrainingResult;
import io.sparkneural.train.TrainingSettings;
import io.sparkneural.train.TrainingSummary;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training path both estimators share: check settings and data, build the network, train it by parameter
 * averaging. Concrete stages only say what their labels are.
 */
final class NeuralTraining {
    private static final Logger LOG = LoggerFactory.getLogger(NeuralTraining.class);

    private NeuralTraining() {}

    /** A trained network with everything a Model needs. */
    record Fitted(TrainingResult result, OutputContract output, int numFeatures, TrainingSummary summary) {}

    /**
     * @param metadataClasses classes declared by the label column's metadata, or 0
     */
    static Fitted fit(NeuralParams p, Dataset<?> data, String featuresCol, String labelCol, Task task, int metadataClasses) {
        // settings first: they are cheap to check and need no Spark job
        NetworkSpec spec = spec(p);
        OptimizerSpec optimizer = OptimizerSpec.parse(p.getOptimizer());
        double learningRate = p.getLearningRate();
        if (task == Task.REGRESSION) OutputContract.resolve(spec, p.getLoss(), task, 0);

        LabelRule rule = task == Task.REGRESSION ? LabelRule.realValues() : LabelRule.classes(metadataClasses);
        DataChecks.Summary facts = DataChecks.check(data, featuresCol, labelCol, rule);
        int numClasses = task == Task.REGRESSION ? 0
                : metadataClasses > 0 ? metadataClasses : (int) facts.maxLabel() + 1;
        OutputContract output = OutputContract.resolve(spec, p.getLoss(), task, numClasses);

        MultiLayerConfiguration conf = NetworkFactory.configuration(spec, facts.numFeatures(), output, optimizer,
                learningRate, p.getSeed());
        TrainingSettings settings = new TrainingSettings(p.getNumWorkers(), p.getBatchSize(), p.getAveragingFrequency(),
                p.getPrefetchBatches(), p.getStorageLevel(), p.getSeed(), p.getEpochs(), p.getTrackTrainingLoss());
        MinibatchConverter converter = new MinibatchConverter(featuresCol, labelCol, facts.numFeatures(),
                output.labelWidth(), output.oneHot(), p.getBatchSize(), p.getSeed());
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        TrainingResult result = new ParameterAveragingTrainer(settings).train(sc, conf, converter.convert(data),
                (epoch, epochs, loss, seconds) -> LOG.info("{} epoch {}/{}: loss={} ({} s)", p.uid(), epoch, epochs,
                        String.format("%.5f", loss), String.format("%.1f", seconds)));
        TrainingSummary summary = new TrainingSummary(Versions.spark(), Versions.dl4j(), Versions.sparkNeural(),
                p.getSeed(), facts.rows(), facts.numFeatures(), p.getEpochs(), result.numWorkers(),
                result.lossHistory(), result.epochSeconds());
        return new Fitted(result, output, facts.numFeatures(), summary);
    }

    static NetworkSpec spec(NeuralParams p) {
        if (!p.isDefined(p.layers())) {
            throw new IllegalArgumentException("Param layers is not set: give the network, e.g. "
                    + "setLayers(\"dense(64, relu) dense(10, softmax)\")");
        }
        return NetworkSpec.parse(p.getLayers());
    }
}
