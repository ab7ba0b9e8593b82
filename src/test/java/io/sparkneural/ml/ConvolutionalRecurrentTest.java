package io.sparkneural.ml;

import io.sparkneural.SparkTestBase;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Conv nets on images and LSTMs on sequences through the same stages, Params and persistence. */
class ConvolutionalRecurrentTest extends SparkTestBase {

    private static double accuracy(Dataset<Row> predictions) {
        return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predictions);
    }

    /** 10x10 grayscale images: a horizontal (0), vertical (1) or diagonal (2) bar on noise, flattened row by row. */
    private static double[][] bars(int n, long seed) {
        Random r = new Random(seed);
        double[][] rows = new double[n][101];
        for (double[] row : rows) {
            int c = r.nextInt(3), p = 2 + r.nextInt(6);
            row[0] = c;
            for (int k = 1; k <= 100; k++) row[k] = r.nextDouble() * 0.3;
            for (int k = 0; k < 10; k++) {
                int y = c == 0 ? p : k, x = c == 1 ? p : k;
                row[1 + y * 10 + x] = 1;
            }
        }
        return rows;
    }

    /** 6x6 RGB images, channels last: the class is the channel that is brighter on average. */
    private static double[][] colours(int n, long seed) {
        Random r = new Random(seed);
        double[][] rows = new double[n][1 + 6 * 6 * 3];
        for (double[] row : rows) {
            int c = r.nextInt(3);
            row[0] = c;
            for (int px = 0; px < 36; px++)
                for (int ch = 0; ch < 3; ch++) row[1 + px * 3 + ch] = r.nextDouble() * 0.5 + (ch == c ? 0.4 : 0);
        }
        return rows;
    }

    /** 10 timesteps x 2 features, time-major: class 1 when feature 0 drifts upwards. */
    private static double[][] drifts(int n, long seed) {
        Random r = new Random(seed);
        double[][] rows = new double[n][1 + 20];
        for (double[] row : rows) {
            int c = r.nextInt(2);
            row[0] = c;
            for (int t = 0; t < 10; t++) {
                row[1 + t * 2] = (c == 1 ? 0.15 : -0.15) * t + r.nextGaussian() * 0.3;
                row[1 + t * 2 + 1] = r.nextGaussian();
            }
        }
        return rows;
    }

    @Test
    void aConvNetLearnsBarsAndRoundTripsThroughSave(@TempDir Path dir) throws Exception {
        NeuralClassificationModel m = new NeuralClassifier().setInputShape("10,10,1")
                .setLayers("conv2d(8, 3x3, relu) maxpool2d(2x2) flatten dense(3, softmax)")
                .setEpochs(3).setBatchSize(16).setLearningRate(0.01).setVerbose(0).fit(frame(bars(400, 1), 2));
        Dataset<Row> test = frame(bars(150, 2), 2);
        double acc = accuracy(m.transform(test));
        assertTrue(acc > 0.9, "accuracy " + acc);
        String path = dir.resolve("cnn").toString();
        m.save(path);
        NeuralClassificationModel loaded = NeuralClassificationModel.load(path);
        assertEquals(m.transform(test).select("probability").collectAsList(),
                loaded.transform(test).select("probability").collectAsList());
    }

    @Test
    void channelsLastColourImagesAreReadChannelByChannel() {
        NeuralClassificationModel m = new NeuralClassifier().setInputShape("6,6,3")
                .setLayers("conv2d(4, 1x1, relu) globalavgpool dense(3, softmax)")
                .setEpochs(4).setBatchSize(16).setLearningRate(0.02).setVerbose(0).fit(frame(colours(400, 3), 2));
        double acc = accuracy(m.transform(frame(colours(150, 4), 2)));
        assertTrue(acc > 0.9, "accuracy " + acc + ": the channels were mixed up");
    }

    @Test
    void anLstmClassifiesSequencesGivenAsFlatVectors() {
        NeuralClassificationModel m = new NeuralClassifier().setInputShape("10,2")
                .setLayers("lstm(8) dense(2, softmax)").setEpochs(5).setBatchSize(16).setLearningRate(0.02)
                .setVerbose(0).fit(frame(drifts(400, 5), 2));
        double acc = accuracy(m.transform(frame(drifts(150, 6), 2)));
        assertTrue(acc > 0.9, "accuracy " + acc);
        Dataset<Row> one = frame(drifts(1, 7), 1);
        Row row = m.transform(one).select("features", "prediction").first();
        assertEquals(row.getDouble(1), m.predict(row.getAs(0)), "single-row predict agrees with transform");
    }

    /** 28x28 images: a horizontal (0) or vertical (1) bar on noise. */
    private static double[][] bigBars(int n, long seed) {
        Random r = new Random(seed);
        double[][] rows = new double[n][1 + 784];
        for (double[] row : rows) {
            int c = r.nextInt(2), p = 4 + r.nextInt(20);
            row[0] = c;
            for (int k = 1; k <= 784; k++) row[k] = r.nextDouble() * 0.3;
            for (int k = 0; k < 28; k++) row[1 + (c == 0 ? p * 28 + k : k * 28 + p)] = 1;
        }
        return rows;
    }

    @Test
    void theSeedNetworksTrainVerbatimThroughSpark() {
        NeuralClassificationModel cnn = new NeuralClassifier().setInputShape("28,28,1")
                .setLayers("conv2d(32, 3x3, relu) maxpool2d(2x2) conv2d(64, 3x3, relu) maxpool2d(2x2) conv2d(64, 3x3, relu) "
                        + "flatten dense(64, relu) dropout(0.5) dense(10, softmax)")
                .setEpochs(3).setBatchSize(16).setVerbose(0).fit(frame(bigBars(240, 11), 2).withColumn("label",
                        org.apache.spark.sql.functions.col("label").as("label",
                                org.apache.spark.ml.attribute.NominalAttribute.defaultAttr().withNumValues(10).toMetadata())));
        // learning is measured on full MNIST by the job (0.9911); here: it trains, the loss falls, it predicts
        double[] loss = cnn.trainingLossHistory();
        assertTrue(loss[loss.length - 1] < loss[0], "seed CNN loss " + java.util.Arrays.toString(loss));
        Row p = cnn.transform(frame(bigBars(20, 12), 2)).select("probability", "prediction").first();
        assertEquals(10, ((org.apache.spark.ml.linalg.Vector) p.get(0)).size());
        assertEquals(1.0, java.util.Arrays.stream(((org.apache.spark.ml.linalg.Vector) p.get(0)).toArray()).sum(), 1e-4);
        double acc;

        NeuralClassificationModel lstm = new NeuralClassifier().setInputShape("10,2").setLoss("binary_crossentropy")
                .setLayers("lstm(128, relu, return_sequences=true) dropout(0.2) lstm(64, relu) dropout(0.2) dense(32, relu) "
                        + "dense(1, sigmoid)")
                .setEpochs(3).setBatchSize(16).setVerbose(0).fit(frame(drifts(300, 13), 2));
        acc = accuracy(lstm.transform(frame(drifts(150, 14), 2)));
        assertTrue(acc > 0.8, "seed LSTM accuracy " + acc);
    }

    @Test
    void shapesThatDoNotFitTheColumnAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NeuralClassifier()
                .setInputShape("10,10,3").setLayers("conv2d(4, 3x3) flatten dense(3, softmax)").setVerbose(0)
                .fit(frame(bars(20, 1), 1)));
        assertEquals("Column features has vectors of 100 values, but inputShape 10,10,3 needs 300 (10x10x3)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NeuralClassifier()
                .setLayers("lstm(8) dense(3, softmax)").setVerbose(0).fit(frame(bars(20, 1), 1)));
        assertTrue(e.getMessage().startsWith("layer 1 lstm(8) needs sequences, but the features are flat vectors of 100 values"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new NeuralClassifier().setInputShape("28;28"));
    }
}
