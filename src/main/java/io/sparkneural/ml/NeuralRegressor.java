package io.sparkneural.ml;

import io.sparkneural.network.Task;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.Regressor;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

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

    /** Like Spark's, but features may also be arrays or sequences, and labels arrays (one per timestep). */
    @Override
    public StructType validateAndTransformSchema(StructType schema, boolean fitting, DataType featuresDataType) {
        DataType features = StageSchemas.featuresType(schema, getFeaturesCol());
        if (fitting && StageSchemas.perStepLabel(schema, getLabelCol())) {
            return StageSchemas.perStepOutput(schema, getPredictionCol());
        }
        return super.validateAndTransformSchema(schema, fitting, features);
    }

    /** Spark's Predictor casts the label to double; per-timestep labels are arrays and skip that cast. */
    @Override
    public NeuralRegressionModel fit(Dataset<?> dataset) {
        if (!StageSchemas.perStepLabel(dataset.schema(), getLabelCol())) return super.fit(dataset);
        transformSchema(dataset.schema(), true);
        return copyValues(train(dataset).setParent(this), ParamMap.empty());
    }

    @Override
    public NeuralRegressionModel train(Dataset<?> dataset) {
        NeuralTraining.Fitted fitted = NeuralTraining.fit(this, dataset, getFeaturesCol(), getLabelCol(), Task.REGRESSION, 0);
        NeuralRegressionModel model = new NeuralRegressionModel(uid(), fitted.result().state(), fitted.numFeatures(),
                fitted.summary());
        if (fitted.inputShape() != null) model.set(model.inputShape(), fitted.inputShape());
        return model;
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
