package io.sparkneural.ml;

import io.sparkneural.SparkTestBase;
import io.sparkneural.network.NativeMemoryGuard;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

/** The classifier as a Spark user meets it: pipelines, evaluators, tuning, persistence. */
class NeuralClassifierTest extends SparkTestBase {
    private static Dataset<Row> blobsTrain;
    private static Dataset<Row> blobsTest;
    private static NeuralClassificationModel blobsModel;

    @BeforeAll
    static void trainOnce() {
        blobsTrain = frame(blobs(600, 3, 4, 1), 2).cache();
        blobsTest = frame(blobs(300, 3, 4, 2), 2).cache();
        blobsModel = new NeuralClassifier()
                .setLayers("dense(16, relu) dropout(0.1) dense(3, softmax)")
                .setEpochs(5).setBatchSize(16).setNumWorkers(2).setAveragingFrequency(4)
                .setLearningRate(0.01).setSeed(3)
                .fit(blobsTrain);
    }

    private static double accuracy(Dataset<Row> predictions) {
        return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predictions);
    }

    private static NeuralClassificationModel xorModel(String layers, long seed) {
        return new NeuralClassifier().setLayers(layers)
                .setOptimizer("sgd").setLearningRate(0.1).setTrackTrainingLoss(false)
                .setEpochs(40).setBatchSize(4).setNumWorkers(1).setAveragingFrequency(32).setSeed(seed)
                .fit(frame(xor(32), 1));
    }

    @Test
    void learnsXorWithAHiddenLayer() {
        // the seed's classic: dense(4, relu) dense(1, sigmoid) trained with SGD separates XOR, from any of these starts
        for (long seed = 1; seed <= 3; seed++) {
            List<Row> out = xorModel("dense(4, relu) dense(1, sigmoid)", seed).transform(frame(xor(1), 1))
                    .select("label", "prediction").collectAsList();
            for (Row r : out) assertEquals(r.getDouble(0), r.getDouble(1), "seed " + seed + ", XOR point with label " + r.getDouble(0));
        }
    }

    @Test
    void aSinglePerceptronCannotLearnXor() {
        // Minsky & Papert: XOR is not linearly separable, so one sigmoid unit gets at most 3 of the 4 points right
        assertTrue(accuracy(xorModel("dense(1, sigmoid)", 1).transform(frame(xor(1), 1))) <= 0.75);
    }

    @Test
    void multiclassPipelineLearnsAndRoundTripsThroughSave(@TempDir Path dir) throws Exception {
        Dataset<Row> raw = blobsTrain.withColumn("a", col("features"));
        VectorAssembler assembler = new VectorAssembler().setInputCols(new String[]{"a"}).setOutputCol("assembled");
        StandardScaler scaler = new StandardScaler().setInputCol("assembled").setOutputCol("scaled");
        NeuralClassifier clf = new NeuralClassifier().setFeaturesCol("scaled")
                .setLayers("dense(16, relu) dense(3, softmax)").setEpochs(4).setBatchSize(16).setNumWorkers(2)
                .setLearningRate(0.01);
        PipelineModel model = new Pipeline().setStages(new PipelineStage[]{assembler, scaler, clf}).fit(raw);
        Dataset<Row> test = blobsTest.withColumn("a", col("features"));
        Dataset<Row> before = model.transform(test);
        assertTrue(accuracy(before) > 0.9, "accuracy " + accuracy(before));

        String path = dir.resolve("pipeline").toString();
        model.write().overwrite().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        List<Row> a = before.select("probability", "prediction").collectAsList();
        List<Row> b = loaded.transform(test).select("probability", "prediction").collectAsList();
        assertEquals(a, b, "predictions after PipelineModel.load");
        NeuralClassificationModel m = (NeuralClassificationModel) loaded.stages()[2];
        assertEquals(4, m.summary().epochs());
        assertEquals(600, m.summary().rows());
    }

    @Test
    void transformAddsSparkColumnsAndSingleRowPredictAgrees() {
        Dataset<Row> out = blobsModel.transform(blobsTest);
        assertTrue(Arrays.asList(out.columns()).containsAll(List.of("rawPrediction", "probability", "prediction")));
        long checks = NativeMemoryGuard.checks();
        assertTrue(accuracy(out) > 0.9, "accuracy " + accuracy(out));
        assertTrue(NativeMemoryGuard.checks() > checks, "each inference batch checks the memory cap");
        Row first = out.select("features", "probability", "prediction").first();
        Vector p = first.getAs(1);
        assertEquals(1.0, Arrays.stream(p.toArray()).sum(), 1e-5);
        assertEquals(first.getDouble(2), blobsModel.predict((Vector) first.getAs(0)));
        assertArrayEquals(p.toArray(), blobsModel.predictProbability((Vector) first.getAs(0)).toArray(), 1e-6);
        assertEquals(3, blobsModel.numClasses());
        assertEquals(4, blobsModel.numFeatures());
        assertEquals(5, blobsModel.trainingLossHistory().length);
        assertTrue(blobsModel.summary().sparkVersion().startsWith("3.5"));
        assertNotEquals("unknown", blobsModel.summary().dl4jVersion());
    }

    @Test
    void emptyOutputColumnsAreSkipped() {
        Dataset<Row> out = blobsModel.copy(new ParamMap()).setRawPredictionCol("").setProbabilityCol("")
                .transform(blobsTest);
        assertEquals(List.of("features", "label", "prediction"), Arrays.asList(out.columns()));
    }

    @Test
    void binaryWithSigmoidOrTwoWaySoftmaxWorksWithBinaryEvaluatorAndThresholds() {
        Dataset<Row> train = frame(blobs(400, 2, 4, 5), 2);
        Dataset<Row> test = frame(blobs(200, 2, 4, 6), 2);
        for (String layers : List.of("dense(8, tanh) dense(1, sigmoid)", "dense(8, tanh) dense(2, softmax)")) {
            NeuralClassificationModel m = new NeuralClassifier().setLayers(layers).setEpochs(4).setBatchSize(16)
                    .setLearningRate(0.01).fit(train);
            assertEquals(2, m.numClasses());
            double auc = new BinaryClassificationEvaluator().evaluate(m.transform(test));
            assertTrue(auc > 0.95, layers + ": AUC " + auc);
            // a threshold that favours class 1 absolutely: every row becomes class 1
            m.setThresholds(new double[]{1.0, 0.0});
            assertEquals(test.count(), m.transform(test).filter("prediction = 1.0").count(), layers);
        }
    }

    @Test
    void numClassesComesFromStringIndexerMetadata() {
        // labels "a".."d" but only 3 of them occur: the metadata still says 4 classes
        Dataset<Row> data = frame(blobs(200, 3, 2, 9), 2).selectExpr("features",
                "case cast(label as int) when 0 then 'a' when 1 then 'b' else 'c' end as name");
        StringIndexer indexer = new StringIndexer().setInputCol("name").setOutputCol("label")
                .setStringOrderType("alphabetAsc");
        Dataset<Row> withD = data.union(data.limit(1).selectExpr("features", "'d' as name"));
        Dataset<Row> indexed = indexer.fit(withD).transform(data);
        NeuralClassificationModel m = new NeuralClassifier().setLayers("dense(8, relu) dense(4, softmax)")
                .setEpochs(1).fit(indexed);
        assertEquals(4, m.numClasses());
    }

    @Test
    void everySettingIsAParamSharedByEstimatorAndModel() {
        NeuralClassifier clf = new NeuralClassifier().setLayers("dense(3, softmax)").setEpochs(7).setBatchSize(64);
        String explained = clf.explainParams();
        for (String name : List.of("layers", "loss", "optimizer", "learningRate", "epochs", "batchSize",
                "averagingFrequency", "numWorkers", "prefetchBatches", "storageLevel", "seed", "inferenceBatchSize")) {
            assertTrue(explained.contains(name + ":"), name + " missing from explainParams()");
        }
        NeuralClassifier copy = clf.copy(new ParamMap().put(clf.learningRate(), 0.5));
        assertEquals(7, copy.getEpochs());
        assertEquals(0.5, copy.getLearningRate());
        assertEquals(clf.uid(), copy.uid());
        for (Param<?> p : copy.params()) assertEquals(copy.uid(), p.parent(), p.name());
        assertEquals(names(clf.params()), names(blobsModel.params()));
        assertEquals(10, new NeuralClassifier().getEpochs());
        assertEquals(0.001, new NeuralClassifier().getLearningRate(), "adam's Keras default");
        assertEquals(0.01, new NeuralClassifier().setOptimizer("sgd").getLearningRate(), "sgd's Keras default");
    }

    @Test
    void uidConstructorOwnsInheritedParams() {
        NeuralClassifier c = new NeuralClassifier("myUid");
        assertEquals("myUid", c.uid());
        assertEquals("myUid", c.labelCol().parent());
        assertEquals("myUid", c.layers().parent());
        c.setLabelCol("y");
        assertEquals("y", c.getLabelCol());
    }

    private static TreeSet<String> names(Param<?>[] params) {
        return Arrays.stream(params).map(Param::name).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void trainValidationSplitAndCrossValidatorTuneLayersAndLearningRate() {
        NeuralClassifier clf = new NeuralClassifier().setEpochs(2).setBatchSize(16).setNumWorkers(2)
                .setLayers("dense(3, softmax)");
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(clf.layers(), scala.collection.JavaConverters.iterableAsScalaIterableConverter(
                        List.of("dense(16, relu) dense(3, softmax)", "dense(3, softmax)")).asScala())
                .addGrid(clf.learningRate(), new double[]{1e-5, 0.01})
                .build();
        MulticlassClassificationEvaluator eval = new MulticlassClassificationEvaluator().setMetricName("accuracy");
        TrainValidationSplitModel tvs = new TrainValidationSplit().setEstimator(clf).setEstimatorParamMaps(grid)
                .setEvaluator(eval).setTrainRatio(0.75).setSeed(1).fit(blobsTrain);
        NeuralClassificationModel best = (NeuralClassificationModel) tvs.bestModel();
        assertEquals(0.01, best.getLearningRate(), "a learning rate of 1e-5 cannot learn in 2 epochs");
        assertEquals(4, tvs.validationMetrics().length);

        CrossValidatorModel cv = new CrossValidator().setEstimator(clf).setEstimatorParamMaps(
                        new ParamGridBuilder().addGrid(clf.epochs(), new int[]{1, 3}).build())
                .setEvaluator(eval).setNumFolds(2).setSeed(1).fit(blobsTrain);
        assertEquals(2, cv.avgMetrics().length);
        assertTrue(((NeuralClassificationModel) cv.bestModel()).getEpochs() >= 1);
    }

    @Test
    void estimatorSavesAndLoadsWithItsParams(@TempDir Path dir) throws Exception {
        NeuralClassifier clf = new NeuralClassifier().setLayers("dense(8, relu) dense(2, softmax)").setEpochs(3)
                .setOptimizer("sgd(momentum=0.9, nesterov=true)").setLearningRateScaling("sqrt");
        String path = dir.resolve("est").toString();
        clf.save(path);
        NeuralClassifier loaded = NeuralClassifier.load(path);
        assertEquals(clf.uid(), loaded.uid());
        assertEquals("dense(8, relu) dense(2, softmax)", loaded.getLayers());
        assertEquals(3, loaded.getEpochs());
        assertEquals("sgd(momentum=0.9, nesterov=true)", loaded.getOptimizer());
        assertEquals("sqrt", loaded.getLearningRateScaling());
    }
}
