package io.sparkneural.ml;

import io.sparkneural.SparkTestBase;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Features as arrays and sequences (array<array<double>>), variable-length sequences padded and masked, and
 * one label per timestep (many-to-many), through the same stages.
 */
class SequenceColumnsTest extends SparkTestBase {
    private static final DataType SEQUENCE = new ArrayType(new ArrayType(DataTypes.DoubleType, false), false);
    private static final DataType DOUBLES = new ArrayType(DataTypes.DoubleType, false);

    private static Dataset<Row> frame(List<Row> rows, DataType features, DataType label) {
        StructType schema = new StructType().add("features", features, true).add("label", label, true);
        return spark.createDataFrame(rows, schema);
    }

    private static List<List<Double>> sequence(double[][] steps) {
        List<List<Double>> out = new ArrayList<>();
        for (double[] step : steps) out.add(Arrays.stream(step).boxed().toList());
        return out;
    }

    /**
     * Sequences of 3 to 10 timesteps x 2 features; the class is the sign of feature 0 at the last real timestep.
     * Unmasked, the network would see padding zeros there and could not do better than chance.
     */
    private static List<Row> lastStepSigns(int n, long seed) {
        Random r = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int steps = 3 + r.nextInt(8);
            double[][] x = new double[steps][2];
            for (double[] step : x) {
                step[0] = r.nextGaussian();
                step[1] = r.nextGaussian();
            }
            rows.add(RowFactory.create(sequence(x), x[steps - 1][0] > 0 ? 1.0 : 0.0));
        }
        return rows;
    }

    /** Per timestep: the target is x[t] + x[t-1] (x[-1] = 0), over sequences of 4 to 12 timesteps of 1 feature. */
    private static List<Row> pairSums(int n, long seed) {
        Random r = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int steps = 4 + r.nextInt(9);
            double[][] x = new double[steps][1];
            List<Double> y = new ArrayList<>();
            for (int t = 0; t < steps; t++) {
                x[t][0] = r.nextDouble() * 2 - 1;
                y.add(x[t][0] + (t > 0 ? x[t - 1][0] : 0));
            }
            rows.add(RowFactory.create(sequence(x), y));
        }
        return rows;
    }

    /** Per timestep: class 1 while the running sum of the inputs is positive. */
    private static List<Row> runningSigns(int n, long seed) {
        Random r = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int steps = 5 + r.nextInt(6);
            double[][] x = new double[steps][1];
            List<Double> y = new ArrayList<>();
            double sum = 0;
            for (int t = 0; t < steps; t++) {
                x[t][0] = r.nextGaussian();
                sum += x[t][0];
                y.add(sum > 0 ? 1.0 : 0.0);
            }
            rows.add(RowFactory.create(sequence(x), y));
        }
        return rows;
    }

    @Test
    void variableLengthSequencesArePaddedAndMasked(@TempDir Path dir) throws Exception {
        Dataset<Row> train = frame(lastStepSigns(320, 1), SEQUENCE, DataTypes.DoubleType).repartition(2);
        NeuralClassificationModel m = new NeuralClassifier().setLayers("lstm(12) dense(2, softmax)")
                .setEpochs(5).setBatchSize(16).setAveragingFrequency(10).setLearningRate(0.03).setVerbose(0).fit(train);
        assertEquals("10,2", m.getInputShape(), "inferred from the longest sequence");
        Dataset<Row> test = frame(lastStepSigns(300, 2), SEQUENCE, DataTypes.DoubleType);
        double acc = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(m.transform(test));
        System.out.println("masked last-step accuracy " + acc);
        assertTrue(acc > 0.9, "accuracy " + acc + ": the last real timestep was not found (masking)");

        // a short sequence gets the same prediction alone as in a batch with longer ones
        List<Row> rows = lastStepSigns(20, 3);
        Row shortest = rows.stream().min((a, b) -> steps(a) - steps(b)).orElseThrow();
        Vector inBatch = (Vector) m.transform(frame(rows, SEQUENCE, DataTypes.DoubleType)).filter(
                "size(features) = " + steps(shortest)).select("probability").first().get(0);
        Vector alone = (Vector) m.transform(frame(List.of(shortest), SEQUENCE, DataTypes.DoubleType))
                .select("probability").first().get(0);
        assertArrayEquals(alone.toArray(), inBatch.toArray(), 1e-6);

        String path = dir.resolve("lstm").toString();
        m.save(path);
        NeuralClassificationModel loaded = NeuralClassificationModel.load(path);
        assertEquals(m.transform(test).select("probability").collectAsList(),
                loaded.transform(test).select("probability").collectAsList());
    }

    @Test
    void aRegressorPredictsEveryTimestep() {
        Dataset<Row> train = frame(pairSums(300, 4), SEQUENCE, DOUBLES).repartition(2);
        NeuralRegressionModel m = new NeuralRegressor().setLayers("lstm(12, return_sequences=true) dense(1)")
                .setEpochs(6).setBatchSize(16).setAveragingFrequency(10).setLearningRate(0.03).setVerbose(0).fit(train);
        Dataset<Row> out = m.transform(frame(pairSums(100, 5), SEQUENCE, DOUBLES));
        assertEquals(DOUBLES.simpleString(), out.schema().apply("prediction").dataType().simpleString());
        double se = 0, base = 0;
        long n = 0;
        for (Row r : out.collectAsList()) {
            List<Double> y = r.getList(1);
            List<Double> p = r.getList(2);
            assertEquals(y.size(), p.size(), "one prediction per real timestep");
            for (int t = 0; t < y.size(); t++) {
                se += (y.get(t) - p.get(t)) * (y.get(t) - p.get(t));
                base += y.get(t) * y.get(t); // predicting the mean, 0
                n++;
            }
        }
        double rmse = Math.sqrt(se / n), baseline = Math.sqrt(base / n);
        System.out.println("per-timestep rmse " + rmse + ", predicting 0: " + baseline);
        assertTrue(rmse < 0.4 * baseline, "rmse " + rmse + " vs predicting 0: " + baseline);
    }

    /** Windows of 8 steps of a sine with random phase and frequency; the label is the next value (forecasting). */
    private static List<Row> sineWindows(int n, long seed) {
        Random r = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double phase = r.nextDouble() * 2 * Math.PI, step = 0.3 + r.nextDouble() * 0.4;
            double[][] x = new double[8][1];
            for (int t = 0; t < 8; t++) x[t][0] = Math.sin(phase + step * t);
            rows.add(RowFactory.create(sequence(x), Math.sin(phase + step * 8)));
        }
        return rows;
    }

    @Test
    void aRegressorForecastsTheNextValueOfASequence() {
        NeuralRegressionModel m = new NeuralRegressor().setLayers("lstm(12) dense(1)").setEpochs(6).setBatchSize(16)
                .setAveragingFrequency(10).setLearningRate(0.03).setVerbose(0)
                .fit(frame(sineWindows(300, 15), SEQUENCE, DataTypes.DoubleType).repartition(2));
        double se = 0, base = 0;
        List<Row> out = m.transform(frame(sineWindows(100, 16), SEQUENCE, DataTypes.DoubleType))
                .select("label", "prediction").collectAsList();
        for (Row r : out) {
            se += Math.pow(r.getDouble(0) - r.getDouble(1), 2);
            base += Math.pow(r.getDouble(0), 2);
        }
        double rmse = Math.sqrt(se / out.size()), baseline = Math.sqrt(base / out.size());
        System.out.println("next-value rmse " + rmse + ", predicting 0: " + baseline);
        assertTrue(rmse < 0.3 * baseline, "rmse " + rmse + " vs predicting 0: " + baseline);
    }

    @Test
    void aClassifierLabelsEveryTimestep() {
        Dataset<Row> train = frame(runningSigns(240, 6), SEQUENCE, DOUBLES).repartition(2);
        NeuralClassificationModel m = new NeuralClassifier().setLayers("lstm(12, return_sequences=true) dense(2, softmax)")
                .setEpochs(5).setBatchSize(16).setAveragingFrequency(10).setLearningRate(0.03).setValidationSplit(0.2)
                .setVerbose(0).fit(train);
        assertTrue(m.summary().history().columns().length > 0);
        double valAccuracy = m.summary().history().orderBy(org.apache.spark.sql.functions.col("epoch").desc())
                .select("val_accuracy").first().getDouble(0);
        Dataset<Row> out = m.transform(frame(runningSigns(100, 7), SEQUENCE, DOUBLES));
        assertEquals("array<vector>", out.schema().apply("probability").dataType().simpleString().replace("struct<type:tinyint,size:int,indices:array<int>,values:array<double>>", "vector"));
        long right = 0, all = 0;
        for (Row r : out.select("label", "prediction", "probability").collectAsList()) {
            List<Double> y = r.getList(0);
            List<Double> p = r.getList(1);
            List<Vector> prob = r.getList(2);
            assertEquals(y.size(), p.size());
            assertEquals(y.size(), prob.size());
            for (int t = 0; t < y.size(); t++) {
                if (y.get(t).equals(p.get(t))) right++;
                all++;
                assertEquals(prob.get(t).argmax(), p.get(t).intValue());
            }
        }
        double acc = right / (double) all;
        System.out.println("per-timestep accuracy " + acc + ", val_accuracy " + valAccuracy);
        assertTrue(acc > 0.9, "per-timestep accuracy " + acc);
        assertEquals(acc, valAccuracy, 0.08, "validation accuracy is computed over the real timesteps only");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> m.predict(org.apache.spark.ml.linalg.Vectors.dense(1, 2, 3)));
        assertTrue(e.getMessage().endsWith("predicts at every timestep; use transform, which gives an array per row"));
    }

    @Test
    void flatArrayColumnsFeedConvNets() {
        Random r = new Random(8);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int c = r.nextInt(2);
            List<Float> pixels = new ArrayList<>();
            for (int y = 0; y < 8; y++)
                for (int x = 0; x < 8; x++) pixels.add((float) (((c == 0 ? y : x) == 3 ? 1 : 0) + r.nextDouble() * 0.3));
            rows.add(RowFactory.create(pixels, (double) c));
        }
        Dataset<Row> data = frame(rows, new ArrayType(DataTypes.FloatType, false), DataTypes.DoubleType).repartition(2);
        NeuralClassificationModel m = new NeuralClassifier().setInputShape("8,8,1")
                .setLayers("conv2d(4, 3x3, relu) flatten dense(2, softmax)").setEpochs(3).setBatchSize(16)
                .setLearningRate(0.02).setVerbose(0).fit(data);
        double acc = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(m.transform(data));
        assertTrue(acc > 0.95, "accuracy " + acc);
    }

    private static IllegalArgumentException refused(NeuralClassifier c, Dataset<Row> data) {
        return assertThrows(IllegalArgumentException.class, () -> c.setVerbose(0).setEpochs(1).fit(data));
    }

    @Test
    void badSequencesAreRefusedNamingTheRow() {
        List<Row> rows = new ArrayList<>(lastStepSigns(10, 9));
        rows.set(7, RowFactory.create(sequence(new double[][]{{1, 2}, {3, 4}, {5, 6, 7}}), 1.0));
        IllegalArgumentException e = refused(new NeuralClassifier().setLayers("lstm(4) dense(2, softmax)"),
                frame(rows, SEQUENCE, DataTypes.DoubleType));
        assertEquals("Column features has 2 features at timestep 0 but 3 at timestep 2 of row 7; every timestep needs "
                + "the same number of features", e.getMessage());

        rows = new ArrayList<>(lastStepSigns(10, 9));
        rows.set(4, RowFactory.create(sequence(new double[][]{{1, 2, 3}}), 1.0));
        e = refused(new NeuralClassifier().setLayers("lstm(4) dense(2, softmax)"), frame(rows, SEQUENCE, DataTypes.DoubleType));
        assertEquals("Column features has 2 features per timestep and 3 (at row 4, 4 rows after the first one of its "
                + "partition); every timestep needs the same number of features", e.getMessage());

        rows = new ArrayList<>(lastStepSigns(10, 9));
        rows.set(2, RowFactory.create(List.of(), 1.0));
        e = refused(new NeuralClassifier().setLayers("lstm(4) dense(2, softmax)"), frame(rows, SEQUENCE, DataTypes.DoubleType));
        assertEquals("Column features has an empty sequence at row 2; every sequence needs at least one timestep",
                e.getMessage());

        e = refused(new NeuralClassifier().setLayers("lstm(4) dense(2, softmax)").setInputShape("6,2"),
                frame(lastStepSigns(30, 9), SEQUENCE, DataTypes.DoubleType));
        assertTrue(e.getMessage().startsWith("Column features holds sequences of 3 to 10 timesteps x 2 features, but "
                + "inputShape 6,2 is 6x2; give timesteps,features with at least 10 timesteps and 2 features"), e.getMessage());
    }

    @Test
    void labelsAndNetworksMustAgreeOnTimesteps() {
        Dataset<Row> perStep = frame(runningSigns(20, 10), SEQUENCE, DOUBLES);
        IllegalArgumentException e = refused(new NeuralClassifier().setLayers("lstm(4) dense(2, softmax)"), perStep);
        assertTrue(e.getMessage().startsWith("Column label holds one label per timestep (an array), but the network "
                + "predicts once per example; end it with return_sequences=true"), e.getMessage());

        e = refused(new NeuralClassifier().setLayers("lstm(4, return_sequences=true) dense(2, softmax)"),
                frame(lastStepSigns(20, 10), SEQUENCE, DataTypes.DoubleType));
        assertTrue(e.getMessage().startsWith("The network predicts at every timestep (its output layer dense(2, softmax) "
                + "follows return_sequences=true), so column label must hold one label per timestep as array<double>"),
                e.getMessage());

        List<Row> rows = new ArrayList<>(runningSigns(10, 11));
        rows.set(3, RowFactory.create(rows.get(3).get(0), List.of(1.0)));
        e = refused(new NeuralClassifier().setLayers("lstm(4, return_sequences=true) dense(2, softmax)"),
                frame(rows, SEQUENCE, DOUBLES));
        assertTrue(e.getMessage().startsWith("Column label has 1 labels at row 3, but its sequence has "), e.getMessage());

        rows = new ArrayList<>(runningSigns(10, 11));
        @SuppressWarnings("unchecked")
        List<Double> y = new ArrayList<>((List<Double>) rows.get(5).get(1));
        y.set(2, 2.5);
        rows.set(5, RowFactory.create(rows.get(5).get(0), y));
        e = refused(new NeuralClassifier().setLayers("lstm(4, return_sequences=true) dense(2, softmax)"),
                frame(rows, SEQUENCE, DOUBLES));
        assertTrue(e.getMessage().contains("has 2.5 at row 5, timestep 2;"), e.getMessage());
    }

    @Test
    void unsupportedColumnTypesAndLongerSequencesAreRefused() {
        Dataset<Row> strings = spark.sql("select 'a' as features, 1.0 as label");
        IllegalArgumentException e = refused(new NeuralClassifier().setLayers("dense(2, softmax)"), strings);
        assertEquals("Column features (featuresCol) must be a Vector (e.g. VectorAssembler's output), array<double> or "
                + "array<float> (flat values), or array<array<double>> (a sequence: one array of features per timestep), "
                + "but was actually string", e.getMessage());

        NeuralClassificationModel m = new NeuralClassifier().setLayers("lstm(4) dense(2, softmax)").setEpochs(1)
                .setVerbose(0).fit(frame(lastStepSigns(40, 12), SEQUENCE, DataTypes.DoubleType));
        double[][] longer = new double[12][2];
        Dataset<Row> tooLong = frame(List.of(RowFactory.create(sequence(longer), 0.0)), SEQUENCE, DataTypes.DoubleType);
        Exception thrown = assertThrows(Exception.class, () -> m.transform(tooLong).collect());
        assertTrue(String.valueOf(rootMessage(thrown)).contains("Column features has a sequence of 12 timesteps x 2 "
                + "features at row 0 of partition 0, but the model reads at most 10 timesteps x 2 features"),
                rootMessage(thrown));
    }

    /** Timesteps of a locally built row (its sequence is a Java list). */
    private static int steps(Row r) {
        return ((List<?>) r.get(0)).size();
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) t = t.getCause();
        return t.getMessage();
    }
}
