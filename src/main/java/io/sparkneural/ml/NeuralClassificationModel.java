package io.sparkneural.ml;

import io.sparkneural.network.NetworkState;
import io.sparkneural.persist.ModelFiles;
import io.sparkneural.train.TrainingSummary;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/**
 * A fitted {@link NeuralClassifier}. {@code transform} adds rawPrediction (the network's class probabilities),
 * probability and prediction (honouring {@code thresholds}), computed in batches on the executors.
 */
public class NeuralClassificationModel extends ProbabilisticClassificationModel<Vector, NeuralClassificationModel>
        implements NeuralModel, MLWritable {
    private static final long serialVersionUID = 1L;
    private String uid; // no initializer: assigned during the super-constructor, see StageUid
    private final NeuralParamSet neuralParamSet = new NeuralParamSet(this);
    private final NeuralModelSupport model;
    private final int numClasses;

    NeuralClassificationModel(String uid, NetworkState state, int numFeatures, int numClasses, TrainingSummary summary) {
        this(StageUid.park(uid), state, numFeatures, numClasses, summary, true);
    }

    private NeuralClassificationModel(String uid, NetworkState state, int numFeatures, int numClasses,
                                      TrainingSummary summary, boolean parked) {
        setNeuralDefaults();
        this.numClasses = numClasses;
        this.model = new NeuralModelSupport(state, numFeatures, state.numOutputs(), summary);
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

    /** Scala inherits this from two traits; Java must pick one: the probabilistic one, as Spark's own models do. */
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public scala.Tuple3 findSummaryModel() {
        return super.findSummaryModel();
    }

    @Override
    public int numClasses() {
        return numClasses;
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
    public Vector predictRaw(Vector features) {
        requireOnePrediction();
        return Vectors.dense(probabilities(model.predictOne(features, getFeaturesCol(), exampleLayout()), 0, 1,
                model.numOutputs, numClasses));
    }

    /** rawPrediction already holds probabilities: normalising is all that is left (and a no-op up to rounding). */
    @Override
    public Vector raw2probabilityInPlace(Vector rawPrediction) {
        double[] v = ((DenseVector) rawPrediction).values();
        double sum = 0;
        for (double x : v) sum += x;
        if (sum > 0) for (int i = 0; i < v.length; i++) v[i] /= sum;
        return rawPrediction;
    }

    /**
     * Class probabilities from one output row: a softmax row, or the single sigmoid unit as P(class 1). Output
     * {@code c} is at {@code offset + c * stride} (stride = timesteps for per-timestep outputs, else 1).
     */
    private static double[] probabilities(float[] out, int offset, int stride, int numOutputs, int numClasses) {
        double[] p = new double[numClasses];
        if (numOutputs == 1) {
            p[1] = out[offset];
            p[0] = 1.0 - p[1];
        } else {
            for (int c = 0; c < numClasses; c++) p[c] = out[offset + c * stride];
        }
        return p;
    }

    /** Spark's rule: the class with the largest probability / threshold. */
    private static double predictionOf(double[] p, double[] t) {
        int best = 0;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < p.length; c++) {
            double v = t == null ? p[c] : t[c] == 0 ? Double.POSITIVE_INFINITY : p[c] / t[c];
            if (v > bestValue) {
                bestValue = v;
                best = c;
            }
        }
        return best;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType outSchema = transformSchema(dataset.schema(), true);
        List<String> added = new ArrayList<>();
        for (String name : outSchema.fieldNames()) {
            if (!List.of(dataset.schema().fieldNames()).contains(name)) added.add(name);
        }
        if (added.isEmpty()) {
            return dataset.toDF();
        }
        String raw = getRawPredictionCol();
        String prob = getProbabilityCol();
        String[] columns = added.toArray(new String[0]);
        double[] thresholds = isDefined(thresholds()) ? getThresholds() : null;
        if (thresholds != null && thresholds.length != numClasses) {
            throw new IllegalArgumentException("Param thresholds has length " + thresholds.length + ", but the model has "
                    + numClasses + " classes: give one threshold per class");
        }
        int outputs = model.numOutputs;
        int classes = numClasses;
        io.sparkneural.network.ExampleLayout layout = exampleLayout();
        boolean perStep = predictsPerTimestep();
        int stride = perStep ? layout.shape().timesteps() : 1;
        BatchedInference inference = new BatchedInference(model.broadcast(dataset.sparkSession()), layout,
                model.numOutputs, getFeaturesCol(), getInferenceBatchSize(), perStep, (out, offset, width, steps) -> {
                    if (!perStep) return values(columns, raw, prob, probabilities(out, offset, 1, outputs, classes), thresholds);
                    // per timestep: each column becomes an array over the example's own timesteps
                    Object[][] byStep = new Object[steps][];
                    for (int t = 0; t < steps; t++) {
                        byStep[t] = values(columns, raw, prob, probabilities(out, offset + t, stride, outputs, classes), thresholds);
                    }
                    Object[] values = new Object[columns.length];
                    for (int i = 0; i < columns.length; i++) {
                        boolean vectors = columns[i].equals(raw) || columns[i].equals(prob);
                        Object[] column = vectors ? new Vector[steps] : null;
                        double[] predictions = vectors ? null : new double[steps];
                        for (int t = 0; t < steps; t++) {
                            if (vectors) column[t] = byStep[t][i];
                            else predictions[t] = (Double) byStep[t][i];
                        }
                        values[i] = vectors ? column : predictions;
                    }
                    return values;
                });
        return inference.transform(dataset, outSchema);
    }

    /** The appended columns' values for one prediction. */
    private static Object[] values(String[] columns, String raw, String prob, double[] p, double[] thresholds) {
        Object[] values = new Object[columns.length];
        for (int i = 0; i < columns.length; i++) {
            values[i] = columns[i].equals(raw) || columns[i].equals(prob) ? Vectors.dense(p.clone())
                    : (Object) predictionOf(p, thresholds);
        }
        return values;
    }

    /** A network that predicts at every timestep gives arrays: of vectors (rawPrediction, probability), of doubles. */
    @Override
    public StructType transformSchema(StructType schema) {
        if (!predictsPerTimestep()) return super.transformSchema(schema);
        StageSchemas.featuresType(schema, getFeaturesCol());
        return StageSchemas.perStepOutput(schema, getPredictionCol(), getRawPredictionCol(), getProbabilityCol());
    }

    @Override
    public StructType validateAndTransformSchema(StructType schema, boolean fitting, DataType featuresDataType) {
        return super.validateAndTransformSchema(schema, fitting, StageSchemas.featuresType(schema, getFeaturesCol()));
    }

    @Override
    public NeuralClassificationModel copy(ParamMap extra) {
        NeuralClassificationModel copy = new NeuralClassificationModel(uid(), model.state, model.numFeatures, numClasses,
                model.summary);
        return copyValues(copy, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return neuralWriter(numClasses);
    }

    public static MLReader<NeuralClassificationModel> read() {
        return new MLReader<>() {
            @Override
            public NeuralClassificationModel load(String path) {
                ModelFiles.Loaded loaded = ModelFiles.load(path, sparkSession().sparkContext(),
                        NeuralClassificationModel.class.getName());
                NeuralClassificationModel m = new NeuralClassificationModel(loaded.metadata().uid(), loaded.state(),
                        loaded.info().numFeatures(), loaded.info().numClasses(), loaded.info().summary());
                loaded.metadata().getAndSetParams(m, scala.Option.empty());
                return m;
            }
        };
    }

    public static NeuralClassificationModel load(String path) {
        return read().load(path);
    }
}
