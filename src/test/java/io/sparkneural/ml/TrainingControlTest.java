package io.sparkneural.ml;

import io.sparkneural.SparkTestBase;
import io.sparkneural.train.EpochRecord;
import io.sparkneural.train.TrainingDivergedException;
import io.sparkneural.train.TrainingListener;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.*;

/** Validation, early stopping, schedules, divergence, warnings, history and listeners, through the stages. */
class TrainingControlTest extends SparkTestBase {

    /** 8 overlapping classes in 2 dimensions with few rows: a big network overfits within a few epochs. */
    private static Dataset<Row> overfitting() {
        return frame(blobs(400, 8, 2, 41), 2).withColumn("isVal", expr("rand(3) < 0.5"));
    }

    private static double logLoss(NeuralClassificationModel m, Dataset<Row> rows) {
        double sum = 0;
        List<Row> out = m.transform(rows).select("label", "probability").collectAsList();
        for (Row r : out) sum -= Math.log(((Vector) r.get(1)).apply((int) r.getDouble(0)));
        return sum / out.size();
    }

    @Test
    void earlyStoppingStopsAnOverfittingRunAndRestoresTheBestWeights() {
        Dataset<Row> data = overfitting().cache();
        NeuralClassificationModel m = new NeuralClassifier()
                .setLayers("dense(256, relu) dense(256, relu) dense(8, softmax)").setLearningRate(0.01)
                .setEpochs(40).setBatchSize(8).setNumWorkers(2).setAveragingFrequency(2)
                .setValidationIndicatorCol("isVal").setEarlyStoppingPatience(3).setRestoreBestWeights(true)
                .fit(data);
        NeuralTrainingSummary s = m.summary();
        assertEquals("val_loss", s.monitor());
        assertTrue(m.stoppedEpoch() > 0 && m.stoppedEpoch() < 40, "stopped at " + m.stoppedEpoch());
        assertEquals(m.stoppedEpoch() - 3, m.bestEpoch(), "patience 3: stopped 3 epochs after the best");
        assertTrue(s.restoredBestWeights());
        double[] valLosses = s.epochRecords().stream().mapToDouble(r -> r.metric("val_loss")).toArray();
        assertEquals(Arrays.stream(valLosses).min().getAsDouble(), m.bestScore(), 1e-12);
        // the returned weights are the best epoch's: recomputing the validation loss gives the best score
        assertEquals(m.bestScore(), logLoss(m, data.filter(col("isVal"))), 1e-4);
        assertEquals(400, s.rows() + s.validationRows());
    }

    @Test
    void validationSplitIsStratifiedAndReportedInTheHistory() {
        NeuralClassificationModel m = new NeuralClassifier().setLayers("dense(8, relu) dense(3, softmax)")
                .setEpochs(2).setValidationSplit(0.2).setVerbose(0).fit(frame(blobs(600, 3, 4, 1), 2));
        long val = m.summary().validationRows();
        assertTrue(Math.abs(val - 120) <= 3, "validation rows " + val);
        Dataset<Row> history = m.summary().history();
        assertEquals(List.of("epoch", "loss", "accuracy", "val_loss", "val_accuracy", "learning_rate", "seconds",
                "samples_per_second"), Arrays.asList(history.columns()));
        assertEquals(2, history.count());
        assertEquals(600 - val, m.summary().rows());
    }

    @Test
    void schedulesSetTheRateOfEachEpoch() {
        Dataset<Row> data = frame(blobs(200, 3, 4, 5), 2).cache();
        assertArrayEquals(new double[]{0.1, 0.1, 0.05, 0.05, 0.025}, rates(data, "step(every=2, factor=0.5)", 0.1, 5), 1e-12);
        assertArrayEquals(new double[]{0.1, 0.09, 0.081}, rates(data, "exponential(rate=0.9)", 0.1, 3), 1e-12);
        // one warm-up epoch at half the rate, then cosine from 0.1 down to min 0 at the last epoch
        assertArrayEquals(new double[]{0.05, 0.1, 0.05, 0.0}, rates(data, "cosine(warmup=1, min=0)", 0.1, 4), 1e-12);
        // a rate too small to move the loss: no improvement, so the plateau rule cuts it after each flat epoch
        double[] plateau = rates(data, "reduce_on_plateau(factor=0.1, patience=1)", 1e-9, 4);
        assertEquals(1e-9, plateau[0], 1e-21);
        assertEquals(1e-9, plateau[1], 1e-21);
        assertEquals(1e-10, plateau[2], 1e-22);
        assertEquals(1e-11, plateau[3], 1e-23);
    }

    @Test
    void learningRateScalingMultipliesTheRateByTheWorkersAsAsked() {
        Dataset<Row> data = frame(blobs(200, 3, 4, 5), 2).cache();
        NeuralClassifier base = new NeuralClassifier().setLayers("dense(3, softmax)").setOptimizer("sgd")
                .setLearningRate(0.1).setLearningRateSchedule("exponential(rate=0.9)").setNumWorkers(2).setEpochs(2)
                .setVerbose(0);
        assertEquals("none", base.getLearningRateScaling(), "the rate as set unless asked");
        assertArrayEquals(new double[]{0.1, 0.09}, epochRates(base.fit(data)), 1e-12);
        double root2 = Math.sqrt(2);
        assertArrayEquals(new double[]{0.1 * root2, 0.09 * root2},
                epochRates(base.copy(new ParamMap()).setLearningRateScaling("sqrt").fit(data)),
                1e-12, "2 workers, sqrt: the schedule starts from the scaled rate");
        assertArrayEquals(new double[]{0.2, 0.18},
                epochRates(base.copy(new ParamMap()).setLearningRateScaling("linear").fit(data)),
                1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NeuralClassifier().setLearningRateScaling("log"));
        assertTrue(e.getMessage().contains("learningRateScaling given invalid value log"), e.getMessage());
    }

    private static double[] epochRates(NeuralClassificationModel m) {
        return m.summary().epochRecords().stream().mapToDouble(EpochRecord::learningRate).toArray();
    }

    private static double[] rates(Dataset<Row> data, String schedule, double lr, int epochs) {
        NeuralClassificationModel m = new NeuralClassifier().setLayers("dense(3, softmax)").setOptimizer("sgd")
                .setLearningRate(lr).setLearningRateSchedule(schedule).setEpochs(epochs).setVerbose(0).fit(data);
        return m.summary().epochRecords().stream().mapToDouble(EpochRecord::learningRate).toArray();
    }

    @Test
    void divergenceStopsWithAnExplanation() {
        double[][] rows = new double[200][];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < rows.length; i++) {
            double x = r.nextDouble() * 1000;
            rows[i] = new double[]{x, x, -x};
        }
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> new NeuralRegressor()
                .setLayers("dense(1)").setOptimizer("sgd").setLearningRate(1.0).setEpochs(3).setVerbose(0)
                .fit(frame(rows, 2)));
        assertTrue(e.getMessage().matches("Training diverged: the training loss is (NaN|Infinity) after epoch 1 "
                + "\\(iteration \\d+\\) at learning rate 1.0. Try a lower learning rate \\(param learningRate\\), scaling the "
                + "features \\(e.g. StandardScaler\\), or clipping gradients \\(param gradientClipNorm\\)"), e.getMessage());
    }

    @Test
    void unscaledFeaturesAreReportedAndClippingIsAvailable() {
        double[][] rows = blobs(200, 2, 3, 7);
        for (double[] r : rows) r[2] *= 1000; // feature index 1 in raw units, as the seed's [0, 10000] pitfall
        Dataset<Row> raw = frame(rows, 2);
        NeuralClassificationModel m = new NeuralClassifier().setLayers("dense(4, relu) dense(2, softmax)").setEpochs(1)
                .setGradientClipNorm(1.0).setVerbose(0).fit(raw);
        assertEquals(1, m.summary().warnings().size());
        String w = m.summary().warnings().get(0);
        assertTrue(w.startsWith("Column features has 1 of 3 features far from unit scale (mean or standard deviation "
                + "above 10), at indices 1; e.g. index 1 has mean"), w);
        assertTrue(w.endsWith("put a StandardScaler before this stage."), w);
        assertTrue(m.networkState().configurationJson().contains("ClipL2PerParamType"));
    }

    @Test
    void listenersHearEveryRoundAndEpochAndSurviveCopy() {
        AtomicInteger epochs = new AtomicInteger();
        List<Integer> rounds = new ArrayList<>();
        NeuralClassifier clf = new NeuralClassifier().setLayers("dense(3, softmax)").setEpochs(2).setBatchSize(10)
                .setNumWorkers(2).setAveragingFrequency(5).setVerbose(0)
                .addTrainingListener(new TrainingListener() {
                    @Override public void onRoundEnd(int epoch, int round, int total) { rounds.add(total); }
                    @Override public void onEpochEnd(EpochRecord record) { epochs.incrementAndGet(); }
                });
        clf.copy(new ParamMap()).fit(frame(blobs(200, 3, 4, 3), 2));
        assertEquals(2, epochs.get());
        // 200 rows in 2 partitions of ~100: 20 minibatches of 10, rounds of 2 workers x 5 = 10 -> 2 per epoch
        assertEquals(List.of(2, 2, 2, 2), rounds);
    }

    @Test
    void roundsArriveWhileTheEpochRuns() {
        List<long[]> heard = java.util.Collections.synchronizedList(new ArrayList<>()); // {epoch, round, total, nanos}
        List<EpochRecord> records = java.util.Collections.synchronizedList(new ArrayList<>());
        new NeuralClassifier().setLayers("dense(16, relu) dense(3, softmax)").setEpochs(2).setBatchSize(8)
                .setNumWorkers(2).setAveragingFrequency(2).setTrackTrainingLoss(false).setVerbose(0)
                .addTrainingListener(new TrainingListener() {
                    @Override public void onRoundEnd(int epoch, int round, int total) {
                        heard.add(new long[]{epoch, round, total, System.nanoTime()});
                    }
                    @Override public void onEpochEnd(EpochRecord record) { records.add(record); }
                })
                .fit(frame(blobs(3000, 3, 4, 5), 2));
        for (int epoch = 1; epoch <= 2; epoch++) {
            int e = epoch;
            List<long[]> mine = heard.stream().filter(h -> h[0] == e).toList();
            int total = (int) mine.get(0)[2];
            assertTrue(total > 20, "rounds per epoch " + total);
            // every round once, in order
            assertEquals(java.util.stream.IntStream.rangeClosed(1, total).boxed().toList(),
                    mine.stream().map(h -> (int) h[1]).toList());
            // live: the rounds are spread over the epoch, not all told at its end
            double spreadSeconds = (mine.get(total - 1)[3] - mine.get(0)[3]) / 1e9;
            double epochSeconds = records.get(epoch - 1).seconds();
            assertTrue(spreadSeconds > 0.25 * epochSeconds, "rounds of epoch " + epoch + " came within "
                    + spreadSeconds + " s of an epoch of " + epochSeconds + " s");
        }
    }

    @Test
    void monitorAndValidationSettingsAreChecked() {
        Dataset<Row> data = frame(blobs(50, 2, 2, 1), 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NeuralClassifier()
                .setLayers("dense(2, softmax)").setEarlyStoppingMonitor("val_loss").setEarlyStoppingPatience(2).fit(data));
        assertEquals("earlyStoppingMonitor 'val_loss' is not computed by this fit; it computes loss, accuracy "
                + "(set validationSplit or validationIndicatorCol for val_ metrics)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NeuralClassifier().setLayers("dense(2, softmax)")
                .setValidationIndicatorCol("label").fit(data));
        assertEquals("Column label (validationIndicatorCol) must be of type boolean, but was actually double", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NeuralClassifier().setLayers("dense(2, softmax)")
                .setValidationIndicatorCol("nope").fit(data));
        assertEquals("validationIndicatorCol nope does not exist. Available: features, label", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new NeuralClassifier().setValidationSplit(1.0));
        e = assertThrows(IllegalArgumentException.class, () -> new NeuralClassifier().setLearningRateSchedule("stepp"));
        assertTrue(e.getMessage().startsWith("unknown learning-rate schedule 'stepp' at 1:1, did you mean 'step'?"), e.getMessage());
    }

    @Test
    void earlyStoppingKeepsWorkingInsideTuningAndTheSummaryIsSaved(@TempDir Path dir) throws Exception {
        Dataset<Row> data = frame(blobs(400, 3, 4, 8), 2);
        NeuralClassifier clf = new NeuralClassifier().setLayers("dense(16, relu) dense(3, softmax)").setEpochs(30)
                .setValidationSplit(0.25).setEarlyStoppingPatience(2).setEarlyStoppingMinDelta(0.01)
                .setRestoreBestWeights(true).setVerbose(0);
        TrainValidationSplitModel tvs = new TrainValidationSplit().setEstimator(clf)
                .setEstimatorParamMaps(new ParamGridBuilder().addGrid(clf.learningRate(), new double[]{0.003, 0.03}).build())
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy")).setSeed(2).fit(data);
        NeuralClassificationModel best = (NeuralClassificationModel) tvs.bestModel();
        assertTrue(best.stoppedEpoch() > 0 && best.stoppedEpoch() < 30, "stopped at " + best.stoppedEpoch());
        assertTrue(best.summary().validationRows() > 0);

        String path = dir.resolve("m").toString();
        best.save(path);
        NeuralClassificationModel loaded = NeuralClassificationModel.load(path);
        assertEquals(best.bestEpoch(), loaded.bestEpoch());
        assertEquals(best.stoppedEpoch(), loaded.stoppedEpoch());
        assertEquals(best.summary().epochRecords(), loaded.summary().epochRecords());
        assertEquals(0.25, loaded.getValidationSplit());
    }
}
