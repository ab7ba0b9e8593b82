package io.sparkneural.ml;

import io.sparkneural.network.NetworkState;
import io.sparkneural.persist.ModelFiles;
import io.sparkneural.train.TrainingSummary;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;


/** A fitted {@link NeuralRegressor}; {@code transform} adds the prediction column, computed in batches. */
public class NeuralRegressionModel extends RegressionModel<Vector, NeuralRegressionModel>
        implements NeuralModel, MLWritable {
    private static final long serialVersionUID = 1L;
    private String uid; // no initializer: assigned during the super-constructor, see StageUid
    private final NeuralParamSet neuralParamSet = new NeuralParamSet(this);
    private final NeuralModelSupport model;

    NeuralRegressionModel(String uid, NetworkState state, int numFeatures, TrainingSummary summary) {
        this(StageUid.park(uid), state, numFeatures, summary, true);
    }

    private NeuralRegressionModel(String uid, NetworkState state, int numFeatures, TrainingSummary summary, boolean parked) {
        setNeuralDefaults();
        this.model = new NeuralModelSupport(state, numFeatures, 1, summary);
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
    public int numFeatures() {
        return model.numFeatures;
    }

    @Override
    public NeuralModelSupport modelSupport() {
        return model;
    }

    @Override
    public double predict(Vector features) {
        requireOnePrediction();
        return model.predictOne(features, getFeaturesCol(), exampleLayout())[0];
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType outSchema = transformSchema(dataset.schema(), true);
        if (getPredictionCol().isEmpty()) return dataset.toDF();
        io.sparkneural.network.ExampleLayout layout = exampleLayout();
        boolean perStep = predictsPerTimestep();
        BatchedInference inference = new BatchedInference(model.broadcast(dataset.sparkSession()), layout, 1,
                getFeaturesCol(), getInferenceBatchSize(), perStep, (out, offset, width, steps) -> {
                    if (!perStep) return new Object[]{(double) out[offset]};
                    double[] values = new double[steps];
                    for (int t = 0; t < steps; t++) values[t] = out[offset + t];
                    return new Object[]{values};
                });
        return inference.transform(dataset, outSchema);
    }

    /** A network that predicts at every timestep gives array<double> predictions. */
    @Override
    public StructType transformSchema(StructType schema) {
        if (!predictsPerTimestep()) return super.transformSchema(schema);
        StageSchemas.featuresType(schema, getFeaturesCol());
        return StageSchemas.perStepOutput(schema, getPredictionCol());
    }

    @Override
    public StructType validateAndTransformSchema(StructType schema, boolean fitting, DataType featuresDataType) {
        return super.validateAndTransformSchema(schema, fitting, StageSchemas.featuresType(schema, getFeaturesCol()));
    }

    @Override
    public NeuralRegressionModel copy(ParamMap extra) {
        NeuralRegressionModel copy = new NeuralRegressionModel(uid(), model.state, model.numFeatures, model.summary);
        return copyValues(copy, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return neuralWriter(0);
    }

    public static MLReader<NeuralRegressionModel> read() {
        return new MLReader<>() {
            @Override
            public NeuralRegressionModel load(String path) {
                ModelFiles.Loaded loaded = ModelFiles.load(path, sparkSession().sparkContext(),
                        NeuralRegressionModel.class.getName());
                NeuralRegressionModel m = new NeuralRegressionModel(loaded.metadata().uid(), loaded.state(),
                        loaded.info().numFeatures(), loaded.info().summary());
                loaded.metadata().getAndSetParams(m, scala.Option.empty());
                return m;
            }
        };
    }

    public static NeuralRegressionModel load(String path) {
        return read().load(path);
    }
}
