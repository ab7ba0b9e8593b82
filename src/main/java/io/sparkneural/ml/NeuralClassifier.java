package io.sparkneural.ml;

import io.sparkneural.network.Task;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.BinaryAttribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.StructField;

/**
 * A feedforward neural network classifier (binary and multiclass) trained on a DataFrame by data-parallel
 * parameter averaging. Behaves like Spark's own classifiers: fits in a Pipeline, tunes with ParamGridBuilder,
 * saves and loads.
 *
 * <pre>{@code
 * NeuralClassificationModel m = new NeuralClassifier()
 *     .setLayers("dense(64, relu) dropout(0.2) dense(10, softmax)")
 *     .setEpochs(10).fit(train);
 * }</pre>
 *
 * Labels are class indices 0..k-1 (as StringIndexer writes them); k comes from the label column's metadata, or
 * else from the largest label. The output layer must be {@code dense(k, softmax)}, or {@code dense(1, sigmoid)}
 * for two classes.
 */
public class NeuralClassifier extends ProbabilisticClassifier<Vector, NeuralClassifier, NeuralClassificationModel>
        implements NeuralEstimatorParams<NeuralClassifier>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private String uid; // no initializer: assigned during the super-constructor, see StageUid
    private final NeuralParamSet neuralParamSet = new NeuralParamSet(this);

    public NeuralClassifier() {
        setNeuralDefaults();
    }

    /** Used by Spark's copy() and readers. */
    public NeuralClassifier(String uid) {
        this(StageUid.park(uid), true);
    }

    private NeuralClassifier(String uid, boolean parked) {
        setNeuralDefaults();
    }

    @Override
    public String uid() {
        if (uid == null) uid = StageUid.take("neuralClassifier");
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
            return StageSchemas.perStepOutput(schema, getPredictionCol(), getRawPredictionCol(), getProbabilityCol());
        }
        return super.validateAndTransformSchema(schema, fitting, features);
    }

    /** Spark's Predictor casts the label to double; per-timestep labels are arrays and skip that cast. */
    @Override
    public NeuralClassificationModel fit(Dataset<?> dataset) {
        if (!StageSchemas.perStepLabel(dataset.schema(), getLabelCol())) return super.fit(dataset);
        transformSchema(dataset.schema(), true);
        return copyValues(train(dataset).setParent(this), ParamMap.empty());
    }

    @Override
    public NeuralClassificationModel train(Dataset<?> dataset) {
        String labelCol = getLabelCol();
        NeuralTraining.Fitted fitted = NeuralTraining.fit(this, dataset, getFeaturesCol(), labelCol,
                Task.CLASSIFICATION, metadataClasses(dataset.schema().apply(labelCol)));
        NeuralClassificationModel model = new NeuralClassificationModel(uid(), fitted.result().state(),
                fitted.numFeatures(), fitted.output().numClasses(), fitted.summary());
        if (fitted.inputShape() != null) model.set(model.inputShape(), fitted.inputShape());
        return model;
    }

    /** Classes the label column's metadata declares (StringIndexer writes it), or 0. */
    static int metadataClasses(StructField labelField) {
        if (!(labelField.dataType() instanceof org.apache.spark.sql.types.NumericType)) return 0; // per-timestep arrays
        Attribute a = Attribute.fromStructField(labelField);
        if (a instanceof BinaryAttribute) return 2;
        if (a instanceof NominalAttribute n && n.getNumValues().isDefined()) return (Integer) n.getNumValues().get();
        return 0;
    }

    @Override
    public NeuralClassifier copy(ParamMap extra) {
        NeuralClassifier copy = defaultCopy(extra);
        copy.neuralParamSet().listeners().addAll(neuralParamSet.listeners());
        return copy;
    }

    public static MLReader<NeuralClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static NeuralClassifier load(String path) {
        return read().load(path);
    }
}
