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
        implements NeuralParams, DefaultParamsWritable {
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

    /** Network layers, e.g. {@code "dense(32, relu) dense(1)"}; required. */
    public NeuralRegressor setLayers(String value) {
        io.sparkneural.spec.NetworkSpec.parse(value);
        return (NeuralRegressor) set(layers(), value);
    }

    /** Loss; default "auto" = mse; or mae. */
    public NeuralRegressor setLoss(String value) {
        if (!"auto".equalsIgnoreCase(value)) io.sparkneural.spec.Loss.parse(value);
        return (NeuralRegressor) set(loss(), value);
    }

    /** Optimizer, e.g. "adam" (default), "sgd(momentum=0.9)", "rmsprop", "adagrad". */
    public NeuralRegressor setOptimizer(String value) {
        io.sparkneural.spec.OptimizerSpec.parse(value);
        return (NeuralRegressor) set(optimizer(), value);
    }

    /** Learning rate; default: the optimizer's Keras default. */
    public NeuralRegressor setLearningRate(double value) { return (NeuralRegressor) set(learningRate(), value); }
    /** Epochs; default 10. */
    public NeuralRegressor setEpochs(int value) { return (NeuralRegressor) set(epochs(), value); }
    /** Minibatch rows per worker; default 32. */
    public NeuralRegressor setBatchSize(int value) { return (NeuralRegressor) set(batchSize(), value); }
    /** Minibatches per worker between averagings; default 5. */
    public NeuralRegressor setAveragingFrequency(int value) { return (NeuralRegressor) set(averagingFrequency(), value); }
    /** Training workers; default 0 = Spark's default parallelism. */
    public NeuralRegressor setNumWorkers(int value) { return (NeuralRegressor) set(numWorkers(), value); }
    /** Minibatches prefetched per worker; default 2. */
    public NeuralRegressor setPrefetchBatches(int value) { return (NeuralRegressor) set(prefetchBatches(), value); }
    /** Storage level of the training minibatches; default MEMORY_ONLY_SER. */
    public NeuralRegressor setStorageLevel(String value) { return (NeuralRegressor) set(storageLevel(), value); }
    /** Seed; default 42. */
    public NeuralRegressor setSeed(long value) { return (NeuralRegressor) set(seed(), value); }
    /** Rows per forward pass in transform(); default 1024. */
    public NeuralRegressor setInferenceBatchSize(int value) { return (NeuralRegressor) set(inferenceBatchSize(), value); }
    /** Full training loss after each epoch; default true. */
    public NeuralRegressor setTrackTrainingLoss(boolean value) { return (NeuralRegressor) set(trackTrainingLoss(), value); }

    @Override
    public NeuralRegressionModel train(Dataset<?> dataset) {
        NeuralTraining.Fitted fitted = NeuralTraining.fit(this, dataset, getFeaturesCol(), getLabelCol(), Task.REGRESSION, 0);
        return new NeuralRegressionModel(uid(), fitted.result().state(), fitted.numFeatures(), fitted.summary());
    }

    @Override
    public NeuralRegressor copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<NeuralRegressor> read() {
        return new DefaultParamsReader<>();
    }

    public static NeuralRegressor load(String path) {
        return read().load(path);
    }
}
