package io.sparkneural.train;

import io.sparkneural.data.MinibatchArrays;
import io.sparkneural.network.NetworkState;
import io.sparkneural.spec.ScheduleSpec;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Data-parallel training by parameter averaging: each worker fits
 * {@code averagingFrequency} minibatches from the same starting point, then parameters <em>and</em> optimizer
 * state are averaged on the driver. Around each epoch: the learning-rate schedule, evaluation on the training and
 * validation data, the divergence check, early stopping and the listeners.
 *
 * <p>The rounds themselves run in an {@link EpochEngine}: {@link AveragingRounds} by default, dl4j-spark's training
 * master with {@code trainingEngine=dl4j-spark}. Both average parameters <em>and</em> optimizer state: with the
 * state kept, one worker is step-for-step the same as plain DL4J and two workers learn as well as one machine.
 */
public final class ParameterAveragingTrainer {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ParameterAveragingTrainer.class);
    private final TrainingSettings settings;
    private final List<TrainingHook> hooks = new ArrayList<>();

    public ParameterAveragingTrainer(TrainingSettings settings) {
        this.settings = settings;
    }

    /** Adds a hook run on the workers around each minibatch (tests use it to observe what was fitted). */
    public ParameterAveragingTrainer withHook(TrainingHook hook) {
        hooks.add(hook);
        return this;
    }

    /**
     * Trains {@code conf} from its seeded initial weights on {@code minibatches} (each of at most batchSize rows),
     * evaluating on {@code validation} (may be null) after each epoch. Temporary files and cached blocks are
     * removed afterwards, also on failure.
     *
     * @throws TrainingDivergedException when the training loss becomes NaN or infinite
     */
    public TrainingResult train(JavaSparkContext sc, MultiLayerConfiguration conf, JavaRDD<DataSet> minibatches,
                                JavaRDD<DataSet> validation, TrainingPlan plan) {
        return trainArrays(sc, conf, minibatches.map(MinibatchArrays::of),
                validation == null ? null : validation.map(MinibatchArrays::of), plan);
    }

    /** As {@link #train}, from minibatches as flat arrays (what {@code MinibatchConverter.convertToArrays} gives). */
    public TrainingResult trainArrays(JavaSparkContext sc, MultiLayerConfiguration conf,
                                      JavaRDD<MinibatchArrays> minibatches, JavaRDD<MinibatchArrays> validation,
                                      TrainingPlan plan) {
        int workers = settings.numWorkers() > 0 ? settings.numWorkers() : sc.defaultParallelism();
        StorageLevel level = StorageLevel.fromString(settings.storageLevel());
        // cached as flat arrays: Kryo writes a DataSet's arrays one element at a time, these in bulk
        JavaRDD<MinibatchArrays> cachedVal = validation == null ? null : validation.persist(level);
        JavaRDD<DataSet> val = cachedVal == null ? null : cachedVal.map(MinibatchArrays::toDataSet);
        boolean ownEngine = settings.engine().equals(TrainingSettings.ROUNDS);
        if (ownEngine && !AveragingRounds.fits(sc, workers)) {
            LOG.warn("trainingEngine=rounds needs all {} workers running at once (Spark's barrier mode: at most {} "
                    + "task slots here, no dynamic allocation); training with trainingEngine=dl4j-spark instead",
                    workers, sc.defaultParallelism());
            ownEngine = false;
        }
        List<TrainingHook> workerHooks = new ArrayList<>(hooks);
        workerHooks.add(new NativeMemoryHook());
        EpochEngine engine = ownEngine ? new AveragingRounds(sc, conf, minibatches, settings, workers, workerHooks)
                : new Dl4jSparkEngine(sc, conf, minibatches.map(MinibatchArrays::toDataSet), settings, workers,
                workerHooks);
        MultiLayerNetwork net = engine.network();
        int epochs = settings.epochs();
        List<EpochRecord> history = new ArrayList<>();
        EarlyStopping.Tracker stopping = plan.earlyStopping().start();
        PlateauTracker plateau = plan.schedule().isPlateau() ? new PlateauTracker(plan) : null;
        double rate = plan.learningRate();
        int stoppedEpoch = 0;
        int firstEpoch = 1;
        int bestSaved = 0;
        CheckpointStore.Checkpoint resume = plan.resumeFrom();
        if (resume != null) {
            float[] params = resume.state().params();
            float[] updater = resume.state().updaterState();
            net.setParams(Nd4j.createFromArray(params).reshape(1, params.length));
            if (updater.length > 0) {
                net.getUpdater().setStateViewArray(net,
                        Nd4j.createFromArray(updater).reshape(1, updater.length), false);
            }
            net.getLayerWiseConfigurations().setIterationCount(resume.iterationCount());
            net.getLayerWiseConfigurations().setEpochCount(resume.epoch());
            history.addAll(resume.history());
            stopping.restore(resume.stoppingBest(), resume.stoppingBestEpoch(), resume.stoppingWait(), resume.bestState());
            if (plateau != null) plateau.restore(resume.plateauBest(), resume.plateauWait());
            rate = resume.rate();
            firstEpoch = resume.stoppedEpoch() > 0 ? epochs + 1 : resume.epoch() + 1;
            stoppedEpoch = resume.stoppedEpoch();
            bestSaved = resume.stoppingBestEpoch();
        }
        String previousGroup = sc.getLocalProperty("spark.jobGroup.id");
        String previousDescription = sc.getLocalProperty("spark.job.description");
        try {
            long rows = engine.rows();
            plan.listeners().forEach(l -> l.onTrainingStart(epochs));
            for (int e = firstEpoch; e <= epochs; e++) {
                int epoch = e;
                if (plateau == null) rate = plan.schedule().rateAt(plan.learningRate(), e, epochs);
                long start = System.nanoTime();
                sc.setJobGroup("spark-neural-" + sc.sc().applicationId() + "-" + System.identityHashCode(net),
                        "spark-neural: epoch " + e + "/" + epochs, false);
                double score = engine.fitEpoch(e, plan.schedule().name().equals("constant") ? Double.NaN : rate,
                        (round, rounds) -> plan.listeners().forEach(l -> l.onRoundEnd(epoch, round, rounds)));
                double fitSeconds = (System.nanoTime() - start) / 1e9;
                NetworkState state = NetworkState.of(net);
                Map<String, Double> metrics = new LinkedHashMap<>();
                if (settings.trackTrainingLoss()) {
                    metrics.putAll(EpochEvaluation.evaluate(sc, state, engine.minibatches(), plan.classification(), ""));
                } else {
                    metrics.put("loss", score);
                }
                checkFinite(metrics.get("loss"), e, net.getLayerWiseConfigurations().getIterationCount(), rate);
                if (val != null) metrics.putAll(EpochEvaluation.evaluate(sc, state, val, plan.classification(), "val_"));
                EpochRecord record = new EpochRecord(e, metrics, rate, (System.nanoTime() - start) / 1e9, rows / fitSeconds);
                history.add(record);
                plan.listeners().forEach(l -> l.onEpochEnd(record));
                boolean stop = stopping.update(record, () -> state);
                if (plateau != null) rate = plateau.next(record, rate);
                if (plan.checkpoints() != null && (e % plan.checkpointInterval() == 0 || stop || e == epochs)) {
                    plan.checkpoints().save(new CheckpointStore.Checkpoint(e,
                            net.getLayerWiseConfigurations().getIterationCount(), state, history,
                            stopping.bestValue(), stopping.bestEpoch(), stopping.waited(),
                            stopping.bestState(),
                            plateau == null ? Double.NaN : plateau.best, plateau == null ? 0 : plateau.wait, rate,
                            plan.fingerprint(), stop ? e : 0, plan.estimatorParams()),
                            stopping.bestEpoch() != bestSaved ? stopping.bestState() : null);
                    bestSaved = stopping.bestEpoch();
                }
                if (stop) {
                    stoppedEpoch = e;
                    break;
                }
            }
            boolean restore = plan.restoreBestWeights() && stopping.bestState() != null
                    && stopping.bestEpoch() != history.size();
            NetworkState finalState = restore ? stopping.bestState() : NetworkState.of(net);
            return new TrainingResult(finalState, history, workers, stopping.bestEpoch(), stopping.bestValue(),
                    stoppedEpoch, restore);
        } finally {
            if (previousGroup == null) sc.clearJobGroup();
            else sc.setJobGroup(previousGroup, previousDescription, false);
            engine.close();
            if (cachedVal != null) cachedVal.unpersist(false);
        }
    }

    private static void checkFinite(double loss, int epoch, int iteration, double rate) {
        if (!Double.isFinite(loss)) {
            throw new TrainingDivergedException(String.format(Locale.ROOT, "Training diverged: the training loss is %s "
                    + "after epoch %d (iteration %d) at learning rate %s. Try a lower learning rate (param learningRate), "
                    + "scaling the features (e.g. StandardScaler), or clipping gradients (param gradientClipNorm)",
                    loss, epoch, iteration, rate));
        }
    }

    /** Keras's ReduceLROnPlateau on the early-stopping monitor. */
    private static final class PlateauTracker {
        private final ScheduleSpec schedule;
        private final EarlyStopping rule;
        private double best = Double.NaN;
        private int wait;

        PlateauTracker(TrainingPlan plan) {
            this.schedule = plan.schedule();
            this.rule = plan.earlyStopping();
        }

        void restore(double best, int wait) {
            this.best = best;
            this.wait = wait;
        }

        double next(EpochRecord record, double rate) {
            double value = record.metric(rule.monitor());
            boolean improved = Double.isNaN(best)
                    || (rule.maximize() ? value > best + schedule.minDelta() : value < best - schedule.minDelta());
            if (improved) {
                best = value;
                wait = 0;
                return rate;
            }
            if (++wait >= schedule.patience()) {
                wait = 0;
                return Math.max(schedule.minLr(), rate * schedule.factor());
            }
            return rate;
        }
    }
}
