package io.sparkneural.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;

import java.util.ArrayList;
import java.util.Collections;
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
 * </ul>
 * The items split are the paths of the exported minibatch files, so collecting them moves no training data.
 */
final class ExactSplitTrainingMaster extends ParameterAveragingTrainingMaster {
    private final Random rng;
    private int[] stepsPerRound = new int[0];

    ExactSplitTrainingMaster(Builder builder, long seed) {
        super(builder);
        this.rng = new Random(seed);
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
    protected void processResults(SparkDl4jMultiLayer network, SparkComputationGraph graph,
                                  JavaRDD<ParameterAveragingTrainingResult> results, int splitNum, int totalSplits) {
        MultiLayerConfiguration conf = network.getNetwork().getLayerWiseConfigurations();
        int before = conf.getIterationCount();
        super.processResults(network, graph, results, splitNum, totalSplits);
        conf.setIterationCount(before + stepsPerRound[splitNum - 1]);
    }
}
