package io.sparkneural.ml;

import io.sparkneural.data.DataChecks;
import io.sparkneural.data.FeatureColumn;
import io.sparkneural.data.LabelRule;
import io.sparkneural.data.MinibatchConverter;
import io.sparkneural.network.ExampleLayout;
import io.sparkneural.network.InputShape;
import io.sparkneural.network.NetworkFactory;
import io.sparkneural.network.OutputContract;
import io.sparkneural.network.Task;
import io.sparkneural.persist.Versions;
import io.sparkneural.spec.NetworkSpec;
import io.sparkneural.spec.OptimizerSpec;
import io.sparkneural.spec.ScheduleSpec;
import io.sparkneural.train.CheckpointStore;
import io.sparkneural.train.ConsoleProgress;
import io.sparkneural.train.EarlyStopping;
import io.sparkneural.train.ParameterAveragingTrainer;
import io.sparkneural.train.TrainingListener;
import io.sparkneural.train.TrainingPlan;
import io.sparkneural.train.TrainingResult;
import io.sparkneural.train.TrainingSettings;
import io.sparkneural.train.TrainingSummary;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.rand;

/**
 * The training path both estimators share: check settings and data, hold out validation rows, build the network,
 * train it by parameter averaging. Concrete stages only say what their labels are.
 */
final class NeuralTraining {
    private static final Logger LOG = LoggerFactory.getLogger(NeuralTraining.class);
    /** Features whose mean or standard deviation exceeds this are reported as unscaled. */
    static final double UNSCALED_LIMIT = 10.0;

    private NeuralTraining() {}

    /**
     * A trained network with everything a Model needs.
     *
     * @param numFeatures values per example (timesteps x features for sequences)
     * @param inputShape  the example shape the network reads, for the model's inputShape Param when it was inferred
     *                    from a sequence column; null otherwise
     */
    record Fitted(TrainingResult result, OutputContract output, int numFeatures, TrainingSummary summary,
                  String inputShape) {}

    /**
     * @param metadataClasses classes declared by the label column's metadata, or 0
     */
    static Fitted fit(NeuralParams p, Dataset<?> data, String featuresCol, String labelCol, Task task, int metadataClasses) {
        // settings first: they are cheap to check and need no Spark job
        NetworkSpec spec = spec(p);
        OptimizerSpec optimizer = OptimizerSpec.parse(p.getOptimizer());
        ScheduleSpec schedule = ScheduleSpec.parse(p.getLearningRateSchedule());
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        double learningRate = scaledLearningRate(p.getLearningRate(), p.getLearningRateScaling(), workers(p, sc));
        if (task == Task.REGRESSION) OutputContract.resolve(spec, p.getLoss(), task, 0);
        Column validationFlag = validationColumn(p, data, labelCol, task);
        EarlyStopping stopping = earlyStopping(p, task, validationFlag != null);

        FeatureColumn.of(data.schema(), featuresCol);
        boolean perStepLabels = StageSchemas.perStepLabel(data.schema(), labelCol);
        LabelRule rule = task == Task.REGRESSION ? LabelRule.realValues() : LabelRule.classes(metadataClasses);
        DataChecks.Summary facts = DataChecks.check(data, featuresCol, labelCol, rule);
        int numClasses = task == Task.REGRESSION ? 0
                : metadataClasses > 0 ? metadataClasses : (int) facts.maxLabel() + 1;
        OutputContract output = OutputContract.resolve(spec, p.getLoss(), task, numClasses);
        List<String> warnings = unscaledWarning(facts, featuresCol);

        ExampleLayout layout = layout(p, spec, facts, featuresCol);
        boolean masked = facts.sequences() && facts.minSteps() < layout.shape().timesteps();
        checkTimesteps(spec, layout.shape(), facts, perStepLabels, labelCol);
        MultiLayerConfiguration conf = NetworkFactory.configuration(spec, layout.shape(), output, optimizer,
                learningRate, p.getSeed(), p.getGradientClipNorm());
        TrainingSettings settings = new TrainingSettings(p.getNumWorkers(), p.getBatchSize(), p.getAveragingFrequency(),
                p.getPrefetchBatches(), p.getStorageLevel(), p.getSeed(), p.getEpochs(), p.getTrackTrainingLoss(),
                p.getTrainingEngine());
        MinibatchConverter converter = new MinibatchConverter(featuresCol, labelCol, layout,
                output.labelWidth(), output.oneHot(), p.getBatchSize(), p.getSeed()).sequences(masked, perStepLabels);

        try (ValidationSplit split = ValidationSplit.of(p, data.toDF(), validationFlag, stratified(p, task), facts.rows())) {
            long validationRows = split.validationRows();
            List<TrainingListener> listeners = new ArrayList<>(p.neuralParamSet().listeners());
            if (p.getVerbose() > 0) {
                listeners.add(0, new ConsoleProgress(System.out, p.uid(), p.getVerbose() == 1 && ConsoleProgress.interactive()));
            }
            io.sparkneural.train.MemoryPreflight.check(sc, conf, layout.shape(), settings, output.labelWidth());
            String fingerprint = fingerprint(p, spec, layout.shape(), sc) + "; data=" + dataSignature(facts, validationRows);
            CheckpointStore checkpoints = null;
            CheckpointStore.Checkpoint resumeFrom = null;
            if (!p.getCheckpointDir().isEmpty()) {
                checkpoints = new CheckpointStore(p.getCheckpointDir(), sc.hadoopConfiguration(), p.getCheckpointKeep(),
                        p.getCheckpointKeepBest());
                resumeFrom = resumePoint(p, checkpoints, fingerprint);
            }
            TrainingPlan plan = new TrainingPlan(learningRate, schedule, stopping, p.getRestoreBestWeights(),
                    task == Task.CLASSIFICATION, listeners, checkpoints, p.getCheckpointInterval(), fingerprint, resumeFrom,
                    paramsJson(p));
            TrainingResult result = new ParameterAveragingTrainer(settings).trainArrays(sc, conf,
                    converter.convertToArrays(split.train()),
                    split.validation() == null ? null : converter.convertToArrays(split.validation()), plan);
            TrainingSummary summary = new TrainingSummary(Versions.spark(), Versions.dl4j(), Versions.sparkNeural(),
                    p.getSeed(), facts.rows() - validationRows, validationRows, layout.size(), p.getEpochs(),
                    result.numWorkers(), result.history(), stopping.monitor(), result.bestEpoch(), result.bestValue(),
                    result.stoppedEpoch(), result.restoredBest(), warnings);
            String inferredShape = facts.sequences() && p.getInputShape().isBlank()
                    ? layout.shape().timesteps() + "," + layout.shape().features() : null;
            return new Fitted(result, output, layout.size(), summary, inferredShape);
        }
    }

    /** Training and validation rows; the cached frame behind them is released on close. */
    private record ValidationSplit(Dataset<Row> train, Dataset<Row> validation, long validationRows, Dataset<Row> cached)
            implements AutoCloseable {

        /** @param flag true for validation rows, or null for none */
        static ValidationSplit of(NeuralParams p, Dataset<Row> all, Column flag, boolean stratified, long rows) {
            if (flag == null) return new ValidationSplit(all, null, 0, null);
            if (!p.getValidationIndicatorCol().isEmpty()) {
                // the user's column marks each row for good, however often the data is recomputed: nothing to pin
                // down by caching, which cost 1.5 s of a 6 s setup on 70,000 MNIST rows (BENCHMARKS.md)
                Dataset<Row> validation = all.filter(flag);
                long validationRows = validation.count();
                requireBoth(p, validationRows, rows);
                return new ValidationSplit(all.filter(functions.not(flag)), validation, validationRows, null);
            }
            Dataset<Row> flagged = all.withColumn("__sn_validation", flag);
            if (stratified) {
                // the stratifying window groups rows by label: spread them over the original partitions again
                flagged = flagged.repartition(all.rdd().getNumPartitions());
            }
            // a random flag is computed again each time the rows are read, and the rows need not come back in the
            // same order: the cache keeps every row on one side of the split
            flagged = flagged.persist();
            Dataset<Row> validation = flagged.filter(col("__sn_validation"));
            long validationRows = validation.count();
            if (validationRows == 0 || validationRows == rows) flagged.unpersist();
            requireBoth(p, validationRows, rows);
            return new ValidationSplit(flagged.filter(col("__sn_validation").equalTo(false)), validation, validationRows,
                    flagged);
        }

        private static void requireBoth(NeuralParams p, long validationRows, long rows) {
            if (validationRows == 0 || validationRows == rows) {
                throw new IllegalArgumentException("The validation rows (" + validationSource(p) + ") are " + validationRows
                        + " of " + rows + ": training needs both training and validation rows");
            }
        }

        @Override
        public void close() {
            if (cached != null) cached.unpersist();
        }
    }

    /**
     * Where each feature value goes in the network's input: from the inputShape Param, checked against the
     * column's vector size, or inferred (flat; a square one-channel image for a conv net).
     */
    static ExampleLayout layout(NeuralParams p, NetworkSpec spec, int numFeatures, String featuresCol) {
        InputShape given = InputShape.parse(p.getInputShape());
        if (given != null && given.size() != numFeatures) {
            throw new IllegalArgumentException("Column " + featuresCol + " has vectors of " + numFeatures + " values, but "
                    + "inputShape " + p.getInputShape() + " needs " + given.size() + " (" + given.text() + ")");
        }
        return new ExampleLayout(NetworkFactory.resolvedInput(spec, given == null ? InputShape.flat(numFeatures) : given));
    }

    /**
     * The layout for the training data: as above for vectors and flat arrays; for a sequence column, inputShape
     * (when given) must have the column's features per timestep and room for its longest sequence, else the
     * longest sequence sets the timesteps. Shorter sequences are padded and masked.
     */
    static ExampleLayout layout(NeuralParams p, NetworkSpec spec, DataChecks.Summary facts, String featuresCol) {
        if (!facts.sequences()) return layout(p, spec, facts.numFeatures(), featuresCol);
        InputShape given = InputShape.parse(p.getInputShape());
        if (given != null && (!given.isSequence() || given.features() != facts.numFeatures()
                || given.timesteps() < facts.maxSteps())) {
            throw new IllegalArgumentException("Column " + featuresCol + " holds sequences of " + facts.minSteps()
                    + (facts.minSteps() == facts.maxSteps() ? "" : " to " + facts.maxSteps()) + " timesteps x "
                    + facts.numFeatures() + " features, but inputShape " + p.getInputShape() + " is " + given.text()
                    + "; give timesteps,features with at least " + facts.maxSteps() + " timesteps and "
                    + facts.numFeatures() + " features, or leave inputShape empty to infer it");
        }
        InputShape shape = given != null ? given : InputShape.sequence(facts.maxSteps(), facts.numFeatures());
        return new ExampleLayout(NetworkFactory.resolvedInput(spec, shape));
    }

    /** A label per timestep needs a network that predicts per timestep, and the other way round. */
    private static void checkTimesteps(NetworkSpec spec, InputShape shape, DataChecks.Summary facts,
                                       boolean perStepLabels, String labelCol) {
        boolean perTimestep = NetworkFactory.predictsPerTimestep(spec, shape);
        if (perStepLabels && !perTimestep) {
            throw new IllegalArgumentException("Column " + labelCol + " holds one label per timestep (an array), but the "
                    + "network predicts once per example; end it with return_sequences=true on the last recurrent layer "
                    + "and a dense output layer, e.g. lstm(32, return_sequences=true) dense(1) (param layers)");
        }
        if (!perStepLabels && perTimestep) {
            throw new IllegalArgumentException("The network predicts at every timestep (its output layer "
                    + spec.outputLayer().toText() + " follows return_sequences=true), so column " + labelCol
                    + " must hold one label per timestep as array<double>; for one label per sequence use "
                    + "return_sequences=false on the last recurrent layer (param layers)");
        }
        if (perStepLabels && !facts.sequences() && facts.labelSteps() != shape.timesteps()) {
            throw new IllegalArgumentException("Column " + labelCol + " has " + facts.labelSteps() + " labels per row, but "
                    + "the sequences have " + shape.timesteps() + " timesteps (inputShape " + shape.text()
                    + "); give one label per timestep");
        }
    }

    static NetworkSpec spec(NeuralParams p) {
        if (!p.isDefined(p.layers())) {
            throw new IllegalArgumentException("Param layers is not set: give the network, e.g. "
                    + "setLayers(\"dense(64, relu) dense(10, softmax)\")");
        }
        return NetworkSpec.parse(p.getLayers());
    }

    /** The workers training runs on, as the trainer counts them. */
    private static int workers(NeuralParams p, JavaSparkContext sc) {
        return p.getNumWorkers() > 0 ? p.getNumWorkers() : sc.defaultParallelism();
    }

    /**
     * The learning rate training starts from (and schedules scale): {@code rate} times 1, sqrt(workers) or workers.
     * Why a Param: with W workers averaging every few minibatches, an epoch is 1/W as many sequential steps, each from
     * the average of W minibatches, so the same rate learns less per epoch than one machine does (the seed CNN, 2
     * workers, one epoch: 0.38 points below plain DL4J at Adam 0.001, 0.25 at 0.001 x sqrt(2), BENCHMARKS.md 4b).
     */
    static double scaledLearningRate(double rate, String scaling, int workers) {
        return switch (scaling) {
            case "none" -> rate;
            case "sqrt" -> rate * Math.sqrt(workers);
            case "linear" -> rate * workers;
            default -> throw new IllegalArgumentException("learningRateScaling must be none, sqrt or linear, not '"
                    + scaling + "'");
        };
    }

    /**
     * The settings a checkpoint must have been written with to be resumed: the network, and everything that decides
     * which minibatches are fitted in which order. Readable, so a mismatch can be shown.
     */
    private static String fingerprint(NeuralParams p, NetworkSpec spec, InputShape input, JavaSparkContext sc) {
        int workers = workers(p, sc);
        String scaling = p.getLearningRateScaling().equals("none") ? "" // as before the Param: earlier checkpoints match
                : "; learningRateScaling=" + p.getLearningRateScaling();
        return "layers=" + spec.toText() + "; input=" + input.text() + "; optimizer=" + p.getOptimizer() + "; learningRate=" + p.getLearningRate() + scaling
                + "; schedule=" + p.getLearningRateSchedule() + "; batchSize=" + p.getBatchSize()
                + "; averagingFrequency=" + p.getAveragingFrequency() + "; workers=" + workers + "; seed=" + p.getSeed()
                + "; validation=" + validationSource(p) + "; loss=" + p.getLoss() + "; gradientClipNorm="
                + p.getGradientClipNorm() + "; restoreBestWeights=" + p.getRestoreBestWeights() + "; earlyStopping="
                + p.getEarlyStoppingMonitor() + "/" + p.getEarlyStoppingMode() + "/" + p.getEarlyStoppingPatience() + "/"
                + p.getEarlyStoppingMinDelta() + "/" + p.getEarlyStoppingStartEpoch() + "/" + p.getEarlyStoppingBaseline();
    }

    /** Enough of the data to tell another data set from this one: a resume must not continue on other data. */
    static String dataSignature(DataChecks.Summary facts, long validationRows) {
        double[] means = facts.featureMeans();
        double[] stds = facts.featureStds();
        double sum = 0;
        double scale = 0;
        for (int j = 0; j < means.length; j++) {
            sum += means[j];
            scale += Math.abs(means[j]) + (j < stds.length ? stds[j] : 0);
        }
        // The means are summed over partitions in no fixed order, so their last bits vary from run to run. For
        // centered features (StandardScaler withMean) those bits are all there is: -1.21395e-15 in one run and
        // -1.20803e-15 in the next, and a rerun refused its own checkpoint. Below a billionth of the features'
        // scale the sum is taken as 0 (+ 0.0: no "-0").
        double resolution = scale * 1e-9;
        if (resolution > 0) sum = Math.rint(sum / resolution) * resolution + 0.0;
        return "rows " + facts.rows() + ", validation rows " + validationRows + ", features " + facts.numFeatures()
                + ", largest label " + facts.maxLabel() + ", feature mean sum " + String.format(java.util.Locale.ROOT, "%.6g", sum);
    }

    /** Every Param with its value (set or default), encoded as Spark's metadata encodes them. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static String paramsJson(NeuralParams p) {
        StringBuilder json = new StringBuilder("{");
        for (org.apache.spark.ml.param.Param param : p.params()) {
            if (!p.isDefined(param)) continue;
            if (json.length() > 1) json.append(',');
            json.append('"').append(param.name()).append("\":").append(param.jsonEncode(p.getOrDefault(param)));
        }
        return json.append('}').toString();
    }

    private static CheckpointStore.Checkpoint resumePoint(NeuralParams p, CheckpointStore store, String fingerprint) {
        switch (p.getResumeMode()) {
            case "restart" -> {
                store.clear();
                return null;
            }
            case "fail" -> {
                if (store.hasCheckpoints()) {
                    throw new IllegalArgumentException("checkpointDir " + store.location() + " already holds checkpoints and "
                            + "resumeMode is fail; use resumeMode=resume to continue or restart to start over");
                }
                return null;
            }
            default -> {
                CheckpointStore.Checkpoint latest = store.latest();
                if (latest != null && !latest.fingerprint().equals(fingerprint)) {
                    throw new IllegalArgumentException("Checkpoint in " + store.location() + " (epoch " + latest.epoch()
                            + ") was written by a fit with other settings and cannot be resumed: it has ["
                            + latest.fingerprint() + "] but this fit has [" + fingerprint + "]; use resumeMode=restart "
                            + "or another checkpointDir");
                }
                if (latest != null) LOG.info("{} resumes from the checkpoint of epoch {} in {}", p.uid(), latest.epoch(),
                        store.location());
                return latest;
            }
        }
    }

    private static String validationSource(NeuralParams p) {
        return p.getValidationIndicatorCol().isEmpty() ? "validationSplit " + p.getValidationSplit()
                : "validationIndicatorCol " + p.getValidationIndicatorCol();
    }

    /** True for validation rows, or null without validation; stratified by label for classifiers. */
    private static Column validationColumn(NeuralParams p, Dataset<?> data, String labelCol, Task task) {
        String indicator = p.getValidationIndicatorCol();
        if (!indicator.isEmpty()) {
            if (!List.of(data.columns()).contains(indicator)) {
                throw new IllegalArgumentException("validationIndicatorCol " + indicator + " does not exist. Available: "
                        + String.join(", ", data.columns()));
            }
            DataType type = data.schema().apply(indicator).dataType();
            if (!(type instanceof BooleanType)) {
                throw new IllegalArgumentException("Column " + indicator + " (validationIndicatorCol) must be of type "
                        + "boolean, but was actually " + type.simpleString());
            }
            return coalesce(col(indicator), lit(false));
        }
        double fraction = p.getValidationSplit();
        if (fraction <= 0) return null;
        if (stratified(p, task)) {
            // exact proportions per class, rounded down (a class of 1 row stays in training): rank rows within their
            // label by a seeded random number and hold out the first floor(fraction * class size)
            Column rank = row_number().over(Window.partitionBy(col(labelCol)).orderBy(rand(p.getSeed()))).minus(1);
            return rank.lt(floor(count(lit(1)).over(Window.partitionBy(col(labelCol))).multiply(fraction)));
        }
        return rand(p.getSeed()).lt(fraction);
    }

    private static boolean stratified(NeuralParams p, Task task) {
        return task == Task.CLASSIFICATION && p.getValidationIndicatorCol().isEmpty() && p.getValidationSplit() > 0;
    }

    private static EarlyStopping earlyStopping(NeuralParams p, Task task, boolean validation) {
        String monitor = p.getEarlyStoppingMonitor();
        if (monitor.equals("auto")) monitor = validation ? "val_loss" : "loss";
        List<String> metrics = new ArrayList<>(task == Task.CLASSIFICATION ? List.of("loss", "accuracy")
                : List.of("loss", "rmse", "mae"));
        if (!p.getTrackTrainingLoss()) metrics.retainAll(List.of("loss"));
        if (validation) {
            metrics.addAll((task == Task.CLASSIFICATION ? List.of("loss", "accuracy") : List.of("loss", "rmse", "mae"))
                    .stream().map(m -> "val_" + m).collect(Collectors.toList()));
        }
        if (!metrics.contains(monitor)) {
            throw new IllegalArgumentException("earlyStoppingMonitor '" + monitor + "' is not computed by this fit; it "
                    + "computes " + String.join(", ", metrics)
                    + (monitor.startsWith("val_") && !validation ? " (set validationSplit or validationIndicatorCol for val_ metrics)" : ""));
        }
        String mode = p.getEarlyStoppingMode();
        boolean maximize = mode.equals("auto") ? EarlyStopping.maximizedByDefault(monitor) : mode.equals("max");
        return new EarlyStopping(monitor, maximize, p.getEarlyStoppingPatience(), p.getEarlyStoppingMinDelta(),
                p.getEarlyStoppingStartEpoch(), p.getEarlyStoppingBaseline());
    }

    /** The seed's pitfall: raw values in the thousands train badly; say so once, naming the features. */
    private static List<String> unscaledWarning(DataChecks.Summary facts, String featuresCol) {
        List<Integer> unscaled = facts.unscaledFeatures(UNSCALED_LIMIT);
        if (unscaled.isEmpty()) return List.of();
        String shown = unscaled.stream().limit(10).map(String::valueOf).collect(Collectors.joining(", "));
        int j = unscaled.get(0);
        String warning = String.format(java.util.Locale.ROOT, "Column %s has %d of %d features far from unit scale "
                        + "(mean or standard deviation above %.0f), at indices %s%s; e.g. index %d has mean %.4g and "
                        + "standard deviation %.4g. Networks train poorly on such inputs: put a StandardScaler before "
                        + "this stage.", featuresCol, unscaled.size(), facts.numFeatures(), UNSCALED_LIMIT, shown,
                unscaled.size() > 10 ? " (and " + (unscaled.size() - 10) + " more)" : "", j, facts.featureMeans()[j],
                facts.featureStds()[j]);
        LOG.warn(warning);
        return List.of(warning);
    }
}
