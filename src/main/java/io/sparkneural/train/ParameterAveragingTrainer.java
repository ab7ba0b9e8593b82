package io.sparkneural.train;

import io.sparkneural.network.NetworkState;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.List;

/**
 * Data-parallel training by parameter averaging through dl4j-spark: each worker fits
 * {@code averagingFrequency} minibatches from the same starting point, then parameters <em>and</em> optimizer
 * state are averaged on the driver.
 *
 * <p>Why {@code saveUpdater(true)}: dl4j-spark's builder leaves it false (its javadoc says otherwise). Workers then
 * return no optimizer state, so every round restarts Adam from zero moments while the iteration count that drives
 * Adam's bias correction keeps growing: each step after a reset is several times the learning rate, the weights
 * grow epoch after epoch and accuracy falls (seed MLP on MNIST: 0.93 after epoch 1, 0.86-0.89 after 10). With the
 * state kept, one worker is step-for-step the same as plain DL4J and two workers learn as well as one machine.
 */
public final class ParameterAveragingTrainer {
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
     * Trains {@code conf} from its seeded initial weights on {@code minibatches} (each of at most batchSize rows).
     * Temporary files and cached blocks are removed afterwards, also on failure.
     */
    public TrainingResult train(JavaSparkContext sc, MultiLayerConfiguration conf, JavaRDD<DataSet> minibatches,
                                EpochListener listener) {
        int workers = settings.numWorkers() > 0 ? settings.numWorkers() : sc.defaultParallelism();
        StorageLevel level = StorageLevel.fromString(settings.storageLevel());
        ParameterAveragingTrainingMaster master = new ExactSplitTrainingMaster(
                new ParameterAveragingTrainingMaster.Builder(workers, settings.batchSize())
                        .batchSizePerWorker(settings.batchSize())
                        .averagingFrequency(settings.averagingFrequency())
                        .workerPrefetchNumBatches(settings.prefetchBatches())
                        .saveUpdater(true)
                        .storageLevel(level)
                        .repartionData(Repartition.Never) // the rounds are already dealt evenly to the workers
                        .rngSeed(settings.seed())
                        .trainingHooks(new ArrayList<>(hooks)),
                settings.batchSize(), settings.seed());
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, conf.clone(), master); // training advances its iteration count
        JavaRDD<DataSet> data = minibatches.persist(level);
        int epochs = settings.epochs();
        double[] losses = new double[epochs];
        double[] seconds = new double[epochs];
        String previousGroup = sc.getLocalProperty("spark.jobGroup.id");
        String previousDescription = sc.getLocalProperty("spark.job.description");
        try {
            for (int e = 0; e < epochs; e++) {
                long start = System.nanoTime();
                sc.setJobGroup("spark-neural-" + conf.hashCode(), "spark-neural: epoch " + (e + 1) + "/" + epochs, false);
                net.fit(data);
                losses[e] = settings.trackTrainingLoss()
                        ? TrainingLoss.mean(sc, NetworkState.of(net.getNetwork()), data) : net.getScore();
                seconds[e] = (System.nanoTime() - start) / 1e9;
                if (listener != null) listener.onEpochEnd(e + 1, epochs, losses[e], seconds[e]);
            }
            return new TrainingResult(NetworkState.of(net.getNetwork()), losses, seconds, workers);
        } finally {
            if (previousGroup == null) sc.clearJobGroup();
            else sc.setJobGroup(previousGroup, previousDescription, false);
            master.deleteTempFiles(sc);
            data.unpersist(false);
            net.getNetwork().close();
        }
    }
}
