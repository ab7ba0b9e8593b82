package io.sparkneural.ml;

import io.sparkneural.SparkTestBase;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

/** Every bad input is rejected before training with a message naming the column, row or Param. */
class BadInputTest extends SparkTestBase {

    private static NeuralClassifier small() {
        return new NeuralClassifier().setLayers("dense(4, relu) dense(2, softmax)").setEpochs(1).setNumWorkers(1);
    }

    /** Runs {@code action}, expects an exception whose message (or a cause's) contains {@code expected}. */
    private static void rejects(String expected, Executable action) {
        Throwable t = assertThrows(Throwable.class, action);
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) all.append(c.getMessage()).append(" | ");
        assertTrue(all.toString().contains(expected), "expected <" + expected + "> in: " + all);
    }

    @Test
    void missingOrWronglyTypedColumns() {
        Dataset<Row> data = rows(new Object[]{vec(1, 2), 0.0}, new Object[]{vec(2, 1), 1.0});
        rejects("nope does not exist. Available: features, label", () -> small().setFeaturesCol("nope").fit(data));
        rejects("nope does not exist", () -> small().setLabelCol("nope").fit(data));
        rejects("Column features (featuresCol) must be a Vector (e.g. VectorAssembler's output), array<double> or "
                + "array<float> (flat values), or array<array<double>> (a sequence: one array of features per timestep), "
                + "but was actually double", () -> small().fit(data.withColumn("features", col("label"))));
        rejects("Column label must be of type numeric", () -> small().fit(data.withColumn("label", col("label").cast("string"))));
    }

    @Test
    void badFeatureValues() {
        rejects("Column features has a null vector at row 1",
                () -> small().fit(rows(new Object[]{vec(1, 2), 0.0}, new Object[]{null, 1.0})));
        rejects("Column features has NaN at row 1, index 1",
                () -> small().fit(rows(new Object[]{vec(1, 2), 0.0}, new Object[]{vec(1, Double.NaN), 1.0})));
        rejects("Column features has Infinity at row 0, index 0",
                () -> small().fit(rows(new Object[]{vec(Double.POSITIVE_INFINITY, 2), 0.0}, new Object[]{vec(1, 1), 1.0})));
        rejects("Column features has vectors of size 2 and of size 3 (at row 2",
                () -> small().fit(rows(new Object[]{vec(1, 2), 0.0}, new Object[]{vec(1, 2), 1.0}, new Object[]{vec(1, 2, 3), 1.0})));
        rejects("The dataset is empty: column features has no rows",
                () -> small().fit(rows(new Object[]{vec(1, 2), 0.0}).limit(0)));
    }

    @Test
    void badLabels() {
        rejects("Column label has a null label at row 1",
                () -> small().fit(rows(new Object[]{vec(1, 2), 0.0}, new Object[]{vec(2, 1), null})));
        rejects("Column label has NaN at row 0",
                () -> small().fit(rows(new Object[]{vec(1, 2), Double.NaN}, new Object[]{vec(2, 1), 1.0})));
        rejects("non-negative integers), but column label has -1.0 at row 1",
                () -> small().fit(rows(new Object[]{vec(1, 2), 0.0}, new Object[]{vec(2, 1), -1.0})));
        rejects("but column label has 0.5 at row 0",
                () -> small().fit(rows(new Object[]{vec(1, 2), 0.5}, new Object[]{vec(2, 1), 1.0})));
        Dataset<Row> data = rows(new Object[]{vec(1, 2), 0.0}, new Object[]{vec(2, 1), 2.0});
        Dataset<Row> withMeta = data.withColumn("label", col("label").as("label",
                NominalAttribute.defaultAttr().withNumValues(2).toMetadata()));
        rejects("Labels must be in [0, 2) as the metadata of column label says 2 classes, but it has 2.0 at row 1",
                () -> small().fit(withMeta));
    }

    @Test
    void contradictorySettings() {
        Dataset<Row> threeClasses = rows(new Object[]{vec(1, 2), 0.0}, new Object[]{vec(2, 1), 1.0},
                new Object[]{vec(3, 3), 2.0});
        rejects("the output layer dense(10, softmax) has 10 units, but the label column has 3 classes (0 to 2)",
                () -> small().setLayers("dense(10, softmax)").fit(threeClasses));
        rejects("dense(1, softmax) always outputs 1.0: a softmax needs one unit per class, here dense(2, softmax); "
                        + "or use dense(1, sigmoid) with binary_crossentropy (param layers)",
                () -> small().setLayers("dense(1, softmax)").setLoss("categorical_crossentropy")
                        .fit(rows(new Object[]{vec(1, 2), 0.0}, new Object[]{vec(2, 1), 1.0})));
        rejects("binary_crossentropy with dense(1, sigmoid) needs labels 0 and 1, but the label column has 3 classes",
                () -> small().setLayers("dense(1, sigmoid)").fit(threeClasses));
        rejects("loss mse is for regression",
                () -> small().setLoss("mse").fit(threeClasses));
        rejects("a classifier needs at least 2 classes, but the label column has 1",
                () -> small().fit(rows(new Object[]{vec(1, 2), 0.0})));
        rejects("Param layers is not set", () -> new NeuralClassifier().fit(threeClasses));
    }

    @Test
    void settersRejectInvalidValues() {
        rejects("unknown activation 'rellu' at 1:11, did you mean 'relu'?", () -> new NeuralClassifier().setLayers("dense(64, rellu)"));
        rejects("parameter epochs given invalid value 0", () -> new NeuralClassifier().setEpochs(0));
        rejects("parameter learningRate given invalid value -0.1", () -> new NeuralClassifier().setLearningRate(-0.1));
        rejects("parameter storageLevel given invalid value MEMORY", () -> new NeuralClassifier().setStorageLevel("MEMORY"));
        rejects("unknown loss 'msee'", () -> new NeuralClassifier().setLoss("msee"));
        rejects("unknown optimizer 'adamw'", () -> new NeuralClassifier().setOptimizer("adamw"));
    }

    @Test
    void transformChecksVectorSizes() {
        NeuralClassificationModel m = small().fit(rows(new Object[]{vec(1, 2), 0.0}, new Object[]{vec(2, 1), 1.0}));
        rejects("Column features has a vector of size 3 at row 0 of partition 0, but the model was trained on 2 features",
                () -> m.transform(rows(new Object[]{vec(1, 2, 3), 0.0})).collect());
        rejects("Column features has a vector of size 1 at the given row, but the model was trained on 2 features",
                () -> m.predict(Vectors.dense(1)));
        // Spark's setter checks the length; thresholds arriving through a ParamMap (copy, tuning) are checked here
        rejects("Param thresholds has length 3, but the model has 2 classes: give one threshold per class",
                () -> m.copy(new org.apache.spark.ml.param.ParamMap().put(m.thresholds(), new double[]{0.2, 0.3, 0.5}))
                        .transform(rows(new Object[]{vec(1, 2), 0.0})));
    }

    @Test
    void persistenceRefusesOverwriteAndRejectsDamagedModels(@TempDir Path dir) throws Exception {
        NeuralClassificationModel m = small().fit(rows(new Object[]{vec(1, 2), 0.0}, new Object[]{vec(2, 1), 1.0}));
        String path = dir.resolve("m").toString();
        m.save(path);
        rejects("already exists", () -> m.save(path));
        m.write().overwrite().save(path);
        assertEquals(2, NeuralClassificationModel.load(path).numFeatures());

        Path modelJson = dir.resolve("m/data/model.json");
        String json = Files.readString(modelJson);
        Files.deleteIfExists(dir.resolve("m/data/.model.json.crc")); // edited by hand below: no checksum
        Files.writeString(modelJson, json.replace("\"formatVersion\" : 1", "\"formatVersion\" : 99"));
        rejects("Cannot load a NeuralClassificationModel from " + path
                        + ": data/model.json says model format version 99, but this spark-neural reads format 1",
                () -> NeuralClassificationModel.load(path));
        Files.writeString(modelJson, json);

        Path params = dir.resolve("m/data/params.bin");
        byte[] bytes = Files.readAllBytes(params);
        Files.write(params, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Files.deleteIfExists(dir.resolve("m/data/.params.bin.crc"));
        rejects("params.bin is truncated", () -> NeuralClassificationModel.load(path));
        Files.delete(params);
        rejects("data file params.bin is missing", () -> NeuralClassificationModel.load(path));

        rejects("Cannot load a NeuralRegressionModel from " + path, () -> NeuralRegressionModel.load(path));
        Files.write(dir.resolve("m/metadata/part-00000"), "{not json".getBytes(StandardCharsets.UTF_8));
        rejects("its metadata is missing or unreadable", () -> NeuralClassificationModel.load(path));
    }
}
