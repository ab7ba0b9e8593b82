package io.sparkneural.train;

import io.sparkneural.SparkTestBase;
import io.sparkneural.data.MinibatchConverter;
import io.sparkneural.network.NativeMemoryGuard;
import io.sparkneural.network.NetworkFactory;
import io.sparkneural.network.NetworkState;
import io.sparkneural.network.OutputContract;
import io.sparkneural.network.Task;
import io.sparkneural.network.TrainingNetwork;
import io.sparkneural.spec.NetworkSpec;
import io.sparkneural.spec.OptimizerSpec;
import io.sparkneural.spec.ScheduleSpec;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Guards the fix for dl4j-spark's accuracy loss: with the optimizer state averaged and handed back, one worker
 * is step-for-step plain DL4J, and two workers learn as well as one machine.
 */
class ParameterAveragingTrainerTest extends SparkTestBase {

    /** Minibatches the workers fitted, in order (local mode: same JVM). */
    static final List<DataSet> FITTED = new CopyOnWriteArrayList<>();

    static final class RecordingHook implements TrainingHook {
        @Override public void preUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {
            FITTED.add(((DataSet) minibatch).copy());
        }
        @Override public void postUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {}
        @Override public void preUpdate(MultiDataSet minibatch, Model model) {}
        @Override public void postUpdate(MultiDataSet minibatch, Model model) {}
    }

    /** Worker 1 throws at its 10th minibatch of the run: in the middle of an epoch, while worker 0 trains on. */
    static final java.util.concurrent.atomic.AtomicInteger WORKER_ONE_STEPS = new java.util.concurrent.atomic.AtomicInteger();

    static final class FailingHook implements TrainingHook {
        @Override public void preUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {
            if (org.apache.spark.TaskContext.getPartitionId() == 1 && WORKER_ONE_STEPS.incrementAndGet() == 10) {
                throw new IllegalStateException("worker 1 fails on purpose");
            }
        }
        @Override public void postUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {}
        @Override public void preUpdate(MultiDataSet minibatch, Model model) {}
        @Override public void postUpdate(MultiDataSet minibatch, Model model) {}
    }

    private static MultiLayerConfiguration conf(String layers, int numInputs, int classes) {
        NetworkSpec spec = NetworkSpec.parse(layers);
        OutputContract out = OutputContract.resolve(spec, "auto", Task.CLASSIFICATION, classes);
        return NetworkFactory.configuration(spec, numInputs, out, OptimizerSpec.parse("adam"), 0.01, 7, 0);
    }

    private static JavaRDD<DataSet> minibatches(Dataset<Row> data, int numInputs, int classes, int batch) {
        return new MinibatchConverter("features", "label", numInputs, classes, true, batch, 1).convert(data);
    }

    @Test
    void oneWorkerIsStepForStepPlainDl4j() {
        Dataset<Row> data = frame(blobs(256, 3, 4, 11), 1);
        MultiLayerConfiguration conf = conf("dense(16, relu) dense(3, softmax)", 4, 3);
        FITTED.clear();
        TrainingResult viaSpark = new ParameterAveragingTrainer(new TrainingSettings(1, 16, 4, 0, "MEMORY_ONLY", 5, 3, false))
                .withHook(new RecordingHook())
                .train(JavaSparkContext.fromSparkContext(spark.sparkContext()), conf, minibatches(data, 4, 3, 16), null, plan());
        assertEquals(3 * 16, FITTED.size(), "every minibatch of every epoch was fitted once");

        // the workers' network class, so the comparison is exact; TrainingNetworkTest holds it to DL4J's own code
        MultiLayerNetwork plain = new TrainingNetwork(conf.clone());
        plain.init();
        for (DataSet ds : FITTED) plain.fit(ds);
        assertArrayEquals(NetworkState.of(plain).params(), viaSpark.state().params(),
                "parameters after the same minibatches in the same order");
        assertArrayEquals(NetworkState.of(plain).updaterState(), viaSpark.state().updaterState(), "Adam's moments");
    }

    @Test
    void bothEnginesCheckTheMemoryCapAfterEveryMinibatch() {
        Dataset<Row> data = frame(blobs(256, 3, 4, 12), 2);
        MultiLayerConfiguration conf = conf("dense(8, relu) dense(3, softmax)", 4, 3);
        for (String engine : List.of(TrainingSettings.ROUNDS, TrainingSettings.DL4J_SPARK)) {
            long before = NativeMemoryGuard.checks();
            new ParameterAveragingTrainer(new TrainingSettings(2, 16, 4, 0, "MEMORY_ONLY", 5, 2, false, engine))
                    .train(JavaSparkContext.fromSparkContext(spark.sparkContext()), conf, minibatches(data, 4, 3, 16),
                            null, plan());
            assertTrue(NativeMemoryGuard.checks() - before >= 2 * 16, engine + ": " + (NativeMemoryGuard.checks()
                    - before) + " checks for 2 epochs of 16 minibatches");
        }
    }

    @Test
    void twoWorkersReachTheAccuracyOfOneMachine() {
        // 8 overlapping classes in 2 dimensions: not separable, so accuracy and loss keep moving for a few epochs
        Dataset<Row> train = frame(blobs(2000, 8, 2, 21), 2);
        List<DataSet> test = minibatches(frame(blobs(1000, 8, 2, 22), 2), 2, 8, 100).collect();
        MultiLayerConfiguration conf = conf("dense(32, relu) dense(16, relu) dense(8, softmax)", 2, 8);

        TrainingResult two = new ParameterAveragingTrainer(new TrainingSettings(2, 16, 5, 2, "MEMORY_ONLY_SER", 5, 4, true))
                .train(JavaSparkContext.fromSparkContext(spark.sparkContext()), conf, minibatches(train, 2, 8, 16), null, plan());
        MultiLayerNetwork plain = new MultiLayerNetwork(conf.clone());
        plain.init();
        List<DataSet> batches = minibatches(train, 2, 8, 16).collect();
        for (int e = 0; e < 4; e++) for (DataSet ds : batches) plain.fit(ds);

        double plainAcc = accuracy(plain, test);
        double sparkAcc = accuracy(two.state().restore(), test);
        assertTrue(plainAcc > 0.5, "plain DL4J accuracy " + plainAcc);
        assertTrue(sparkAcc >= plainAcc - 0.02, "2 workers " + sparkAcc + " vs plain " + plainAcc);
        assertEquals(4, two.history().size());
        assertTrue(two.history().get(3).loss() < two.history().get(0).loss(), "loss falls: " + two.history());
        assertEquals(two.history().get(3).metric("accuracy"), accuracyOn(two, train), 1e-9,
                "the epoch's accuracy is the network's accuracy on the training data");
    }

    private static double accuracyOn(TrainingResult r, Dataset<Row> data) {
        return accuracy(r.state().restore(), minibatches(data, 2, 8, 16).collect());
    }

    static TrainingPlan plan() {
        return new TrainingPlan(0.01, ScheduleSpec.constant(), new EarlyStopping("loss", false, 0, 0, 1, Double.NaN),
                false, true, List.of());
    }

    /** Two workers, 4 epochs, seed 9, on 600 rows of blobs made with {@code dataSeed}: the final parameters. */
    private float[] twoWorkersWithDropout(long dataSeed) {
        Dataset<Row> train = frame(blobs(600, 3, 4, dataSeed), 2);
        MultiLayerConfiguration conf = conf("dense(16, relu) dropout(0.3) dense(3, softmax)", 4, 3);
        return new ParameterAveragingTrainer(new TrainingSettings(2, 16, 4, 0, "MEMORY_ONLY", 9, 2, false))
                .train(JavaSparkContext.fromSparkContext(spark.sparkContext()), conf, minibatches(train, 4, 3, 16),
                        null, plan()).state().params();
    }

    @Test
    void sameSeedAndPartitioningGiveBitIdenticalParameters() {
        assertArrayEquals(twoWorkersWithDropout(31), twoWorkersWithDropout(31));
    }

    @Test
    void theDriversExchangeAveragesTheSameFloatsAsAllGather() {
        // local mode's in-process exchange, the exchange over its socket, then allGather
        String[][] runs = {{"true", "true"}, {"true", "false"}, {"false", "true"}};
        float[][] params = new float[runs.length][];
        for (int run = 0; run < runs.length; run++) {
            System.setProperty(RoundExchange.PROPERTY, runs[run][0]);
            System.setProperty(RoundExchange.IN_PROCESS_PROPERTY, runs[run][1]);
            try {
                params[run] = twoWorkersWithDropout(37);
            } finally {
                System.clearProperty(RoundExchange.PROPERTY);
                System.clearProperty(RoundExchange.IN_PROCESS_PROPERTY);
            }
        }
        assertArrayEquals(params[0], params[1], "in-process against socket");
        assertArrayEquals(params[0], params[2], "in-process against allGather");
    }

    @Test
    void aWorkerFailingInTheMiddleOfAnEpochFailsTheFitInsteadOfHangingIt() {
        Dataset<Row> train = frame(blobs(600, 3, 4, 41), 2);
        MultiLayerConfiguration conf = conf("dense(16, relu) dense(3, softmax)", 4, 3);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // in memory (local mode's default) and over the driver's socket: the other worker waits in a round either way
        for (String inProcess : List.of("true", "false")) {
            WORKER_ONE_STEPS.set(0);
            System.setProperty(RoundExchange.IN_PROCESS_PROPERTY, inProcess);
            try {
                Exception e = assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> assertThrows(
                        Exception.class, () -> new ParameterAveragingTrainer(new TrainingSettings(2, 16, 2, 0,
                                "MEMORY_ONLY", 9, 3, false)).withHook(new FailingHook()).train(sc, conf,
                                minibatches(train, 4, 3, 16), null, plan())));
                assertTrue(String.valueOf(e.getMessage()).contains("worker 1 fails on purpose"),
                        "in process " + inProcess + ": " + e);
            } finally {
                System.clearProperty(RoundExchange.IN_PROCESS_PROPERTY);
            }
        }
        // the next fit runs as usual
        assertEquals(3, new ParameterAveragingTrainer(new TrainingSettings(2, 16, 2, 0, "MEMORY_ONLY", 9, 3, false))
                .train(sc, conf, minibatches(train, 4, 3, 16), null, plan()).history().size());
    }

    private static double accuracy(MultiLayerNetwork net, List<DataSet> test) {
        Evaluation ev = new Evaluation(8);
        for (DataSet ds : test) ev.eval(ds.getLabels(), net.output(ds.getFeatures(), false));
        return ev.accuracy();
    }
}
