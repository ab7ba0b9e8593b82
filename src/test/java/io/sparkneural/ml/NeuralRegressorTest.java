package io.sparkneural.ml;

import io.sparkneural.SparkTestBase;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

class NeuralRegressorTest extends SparkTestBase {

    /** y = sin(x1) + x2^2 / 2 + noise: nonlinear, so a linear model cannot fit it well. */
    private static Dataset<Row> curve(int n, long seed) {
        Random r = new Random(seed);
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            double x1 = r.nextDouble() * 4 - 2, x2 = r.nextDouble() * 2 - 1;
            rows[i] = new double[]{Math.sin(x1) + x2 * x2 / 2 + r.nextGaussian() * 0.05, x1, x2};
        }
        return frame(rows, 2);
    }

    private static double rmse(Dataset<Row> predictions) {
        return new RegressionEvaluator().setMetricName("rmse").evaluate(predictions);
    }

    @Test
    void learnsANonlinearFunctionInAPipelineAndRoundTrips(@TempDir Path dir) throws Exception {
        Dataset<Row> train = curve(1000, 1);
        Dataset<Row> test = curve(300, 2);
        NeuralRegressor reg = new NeuralRegressor().setFeaturesCol("scaled")
                .setLayers("dense(32, tanh) dense(32, tanh) dense(1)")
                .setEpochs(15).setBatchSize(16).setLearningRate(0.01).setNumWorkers(2);
        StandardScaler scaler = new StandardScaler().setInputCol("features").setOutputCol("scaled");
        PipelineModel model = new Pipeline().setStages(new PipelineStage[]{scaler, reg}).fit(train);
        Dataset<Row> out = model.transform(test);
        double rmse = rmse(out);
        // the label's standard deviation is about 0.75; a good fit is far below it
        assertTrue(rmse < 0.15, "rmse " + rmse);

        NeuralRegressionModel m = (NeuralRegressionModel) model.stages()[1];
        Row first = out.select("scaled", "prediction").first();
        assertEquals(first.getDouble(1), m.predict((Vector) first.getAs(0)), 1e-6);
        assertEquals(15, m.trainingLossHistory().length);
        assertTrue(m.trainingLossHistory()[14] < m.trainingLossHistory()[0]);

        String path = dir.resolve("reg").toString();
        model.write().save(path);
        List<Row> again = PipelineModel.load(path).transform(test).select("prediction").collectAsList();
        assertEquals(out.select("prediction").collectAsList(), again);
    }

    @Test
    void maeLossAndParamsMatchTheModel() {
        NeuralRegressor reg = new NeuralRegressor().setLayers("dense(8, relu) dense(1)").setLoss("mae").setEpochs(2);
        NeuralRegressionModel m = reg.fit(curve(200, 3));
        assertEquals("mae", m.getLoss());
        assertEquals(names(reg.params()), names(m.params()));
    }

    @Test
    void rejectsClassificationSettingsAndBadLabels() {
        Dataset<Row> data = curve(20, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NeuralRegressor().setLayers("dense(8, relu) dense(2)").fit(data));
        assertTrue(e.getMessage().contains("NeuralRegressor predicts one value per row, so the output layer must have 1 unit, "
                + "but it is dense(2)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new NeuralRegressor().setLayers("dense(1)").setLoss("binary_crossentropy").fit(data));
        assertTrue(e.getMessage().contains("loss binary_crossentropy is for classification; NeuralRegressor takes mse or mae"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NeuralRegressor().setLayers("dense(1)")
                .fit(rows(new Object[]{vec(1), 1.0}, new Object[]{vec(2), Double.NaN})));
        assertTrue(e.getMessage().contains("Column label has NaN at row 1; regression labels must be finite numbers"),
                e.getMessage());
    }

    private static List<String> names(Param<?>[] params) {
        return Arrays.stream(params).map(Param::name).sorted().collect(Collectors.toList());
    }
}
