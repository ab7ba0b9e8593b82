package io.sparkneural.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.datavec.spark.util.BroadcastHadoopConfigHolder;
import org.datavec.spark.util.SerializableHadoopConfig;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.core.loader.MultiDataSetLoader;
import org.deeplearning4j.spark.api.worker.ExecuteWorkerFlatMap;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;
import org.deeplearning4j.spark.iterator.PathSparkDataSetIterator;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * dl4j-spark's parameter averaging with two of its bookkeeping flaws fixed, everything else inherited.
 * <ul>
 * <li>Lost minibatches: its random "balanced" split gives some workers more than {@code averagingFrequency}
 * minibatches in a round, and each worker fits at most that many, so the surplus is silently skipped (about one
 * minibatch per round). Here each epoch's minibatch files are shuffled (seeded) and cut into rounds of exactly
 * {@code numWorkers * averagingFrequency}, dealt evenly to the workers; only the last round may be shorter.</li>
 * <li>Iteration count: it advances the count that drives Adam's bias correction and schedules by
 * {@code averagingFrequency} per round whatever the workers fitted; here it advances by the steps taken.</li>
 * <li>Fixed minibatches: it writes the minibatches to files once and only reorders the files, so the same rows
 * meet in the same minibatch every epoch. Here each worker pools the rows of its round's minibatches (drawn at
 * random from the whole data set each epoch), shuffles them (seeded) and cuts new minibatches, so row groupings
 * change every epoch as with Keras's {@code shuffle=True}.</li>
 * </ul>
 * The items split are the paths of the exported minibatch files, so collecting them moves no training data.
 */
final class ExactSplitTrainingMaster extends ParameterAveragingTrainingMaster {
    private final long seed;
    private final int batchSize;
    private Random rng;
    private int[] stepsPerRound = new int[0];
    private transient EpochEngine.RoundListener roundListener;

    ExactSplitTrainingMaster(Builder builder, int batchSize, long seed) {
        super(builder);
        this.batchSize = batchSize;
        this.seed = seed;
        this.rng = new Random(seed);
    }

    /**
     * Called before each epoch. The epoch's shuffles and dropout seeds derive from (seed, epoch) alone, so a run
     * resumed at an epoch continues exactly as an uninterrupted one.
     */
    void startEpoch(int epoch, EpochEngine.RoundListener listener) {
        this.rng = new Random(seed * 1_000_003L + epoch);
        this.roundListener = listener;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T> JavaRDD<T>[] getSplitRDDs(JavaRDD<T> items, int totalObjectCount, int examplesPerObject) {
        List<T> all = new ArrayList<>(items.collect());
        Collections.shuffle(all, rng);
        int perRound = numWorkers * averagingFrequency;
        int rounds = (all.size() + perRound - 1) / perRound;
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(items.context());
        JavaRDD<T>[] splits = new JavaRDD[rounds];
        stepsPerRound = new int[rounds];
        for (int r = 0; r < rounds; r++) {
            List<T> round = new ArrayList<>(all.subList(r * perRound, Math.min(all.size(), (r + 1) * perRound)));
            int slices = Math.min(numWorkers, round.size());
            splits[r] = sc.parallelize(round, slices);
            stepsPerRound[r] = (round.size() + slices - 1) / slices;
        }
        return splits;
    }

    @Override
    protected void doIterationPaths(SparkDl4jMultiLayer network, SparkComputationGraph graph, JavaRDD<String> split,
                                    int splitNum, int numSplits, int dataSetObjectNumExamples, DataSetLoader dsLoader,
                                    MultiDataSetLoader mdsLoader) {
        if (network == null || dsLoader == null) {
            super.doIterationPaths(network, graph, split, splitNum, numSplits, dataSetObjectNumExamples, dsLoader, mdsLoader);
            return;
        }
        JavaSparkContext sc = network.getSparkContext();
        FlatMapFunction<Iterator<String>, ParameterAveragingTrainingResult> round = new ShuffledRound(
                getWorkerInstance(network), dsLoader, BroadcastHadoopConfigHolder.get(sc), batchSize, rng.nextLong());
        JavaRDD<ParameterAveragingTrainingResult> results = split.mapPartitions(round);
        processResults(network, null, results, splitNum, numSplits);
    }

    /** One worker's round: load its minibatch files, reshuffle their rows, fit the new minibatches. */
    static final class ShuffledRound implements FlatMapFunction<Iterator<String>, ParameterAveragingTrainingResult> {
        private final ExecuteWorkerFlatMap<ParameterAveragingTrainingResult> fit;
        private final DataSetLoader loader;
        private final Broadcast<SerializableHadoopConfig> hadoopConfig;
        private final int batchSize;
        private final long seed;

        ShuffledRound(ParameterAveragingTrainingWorker worker, DataSetLoader loader,
                      Broadcast<SerializableHadoopConfig> hadoopConfig, int batchSize, long seed) {
            this.fit = new ExecuteWorkerFlatMap<>(worker);
            this.loader = loader;
            this.hadoopConfig = hadoopConfig;
            this.batchSize = batchSize;
            this.seed = seed;
        }

        @Override
        public Iterator<ParameterAveragingTrainingResult> call(Iterator<String> paths) throws Exception {
            GpuAssignment.apply(); // before any ND4J array: this worker runs on the GPU Spark gave the task, if any
            List<DataSet> loaded = new ArrayList<>();
            new PathSparkDataSetIterator(paths, loader, hadoopConfig).forEachRemaining(loaded::add);
            if (loaded.isEmpty()) return fit.call(Collections.emptyIterator());
            DataSet pooled = DataSet.merge(loaded);
            long taskSeed = seed + TaskContext.getPartitionId();
            pooled.shuffle(taskSeed);
            Nd4j.getRandom().setSeed(taskSeed); // dropout masks: reproducible for a given seed and partitioning
            // (the worker re-batches to batchSize anyway; a partition's short last file can make a round one step
            // shorter than the iteration count assumes)
            return fit.call(pooled.batchBy(batchSize).iterator());
        }
    }

    @Override
    protected void processResults(SparkDl4jMultiLayer network, SparkComputationGraph graph,
                                  JavaRDD<ParameterAveragingTrainingResult> results, int splitNum, int totalSplits) {
        MultiLayerConfiguration conf = network.getNetwork().getLayerWiseConfigurations();
        int before = conf.getIterationCount();
        super.processResults(network, graph, results, splitNum, totalSplits);
        conf.setIterationCount(before + stepsPerRound[splitNum - 1]);
        if (roundListener != null) roundListener.onRoundEnd(splitNum, totalSplits);
    }
}
