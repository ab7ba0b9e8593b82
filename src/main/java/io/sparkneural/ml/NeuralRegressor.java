package io.sparkneural.ml;

import io.sparkneural.network.Task;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.Regressor;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;

/**
 * A feedforward neural network regressor (one real value per row) trained by parameter averaging. The output
 * layer must have one unit, e.g. {@code dense(1)} (linear); the loss is mse (default) or mae.
 */
public class NeuralRegressor extends Regressor<Vector, NeuralRegressor, NeuralRegressionModel>
        implements NeuralEstimatorParams<NeuralRegressor>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private String uid; // no initializer: assigned during the super-constructor, see StageUid
    private final NeuralParamSet neuralParamSet = new NeuralParamSet(this);

    public NeuralRegressor() {
        setNeuralDefaults();
    }

    /** Used by Spark's copy() and readers. */
    public NeuralRegressor(String uid) {
        this(StageUid.park(uid), true);
    }

    private NeuralRegressor(String uid, boolean parked) {
        setNeuralDefaults();
    }

    @Override
    public String uid() {
        if (uid == null) uid = StageUid.take("neuralRegressor");
        return uid;
    }

    @Override
    public NeuralParamSet neuralParamSet() {
        return neuralParamSet;
    }

    @Override
    public NeuralRegressionModel train(Dataset<?> dataset) {
        NeuralTraining.Fitted fitted = NeuralTraining.fit(this, dataset, getFeaturesCol(), getLabelCol(), Task.REGRESSION, 0);
        return new NeuralRegressionModel(uid(), fitted.result().state(), fitted.numFeatures(), fitted.summary());
    }

    @Override
    public NeuralRegressor copy(ParamMap extra) {
        NeuralRegressor copy = defaultCopy(extra);
        copy.neuralParamSet().listeners().addAll(neuralParamSet.listeners());
        return copy;
    }

    public static MLReader<NeuralRegressor> read() {
        return new DefaultParamsReader<>();
    }

    public static NeuralRegressor load(String path) {
        return read().load(path);
    }
}
