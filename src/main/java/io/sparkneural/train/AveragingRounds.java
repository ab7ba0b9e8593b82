package io.sparkneural.train;

import io.sparkneural.data.MinibatchArrays;
import io.sparkneural.network.LayerHelpers;
import io.sparkneural.network.TrainingNetwork;
import io.sparkneural.network.NdArrays;
import io.sparkneural.network.NetworkMemory;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Parameter averaging itself: in each round every worker starts from the same parameters and optimizer state,
 * fits up to {@code averagingFrequency} minibatches, and the workers' parameters and optimizer state are averaged.
 *
 * <p>One Spark job per epoch, in barrier execution mode: the workers are launched together, one task each, and
 * after every round send their state to the driver's {@link RoundExchange}, which averages it once in partition
 * order and hands every worker the same floats (where the exchange is out of reach they exchange it with
 * {@code BarrierTaskContext.allGather} and each compute that same average); the next round starts from it. Why not one job per
 * round, as dl4j-spark's {@code ParameterAveragingTrainingMaster} does: a Spark job costs 25-50 ms on this 2-core
 * machine even when empty, while a round of 5 minibatches of the seed MLP computes in about 25, and dl4j-spark also
 * writes every minibatch to a file and reloads its round's minibatches from there. On the seed MLP (MNIST subset,
 * 2 workers, averaging every 5) dl4j-spark's master ran at 2.5k samples/s, a job per round with cached minibatches
 * at 3.5k, this at the figure in BENCHMARKS.md (which measures the engines side by side). A failed task fails the
 * whole barrier job, which runs again from the epoch's starting state (see runEpoch): nothing is lost or counted
 * twice.
 *
 * <p>Data layout: minibatch {@code j} of input partition {@code p} belongs to worker {@code (p + j) % workers}
 * (see {@link WorkerPartitioner}); each worker's minibatches are grouped
 * in order into chunks of {@code averagingFrequency} ({@link RowChunk}s), one Spark partition per worker, cached
 * at the configured storage level. Every epoch each worker visits its chunks in an order seeded by (seed, epoch,
 * worker), shuffles each chunk's rows and cuts new minibatches. The run is a function of (seed, epoch, data):
 * resuming at an epoch continues exactly as an uninterrupted run would.
 */
final class AveragingRounds implements EpochEngine {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AveragingRounds.class);
    private final JavaSparkContext sc;
    private final int workers;
    private final int batchSize;
    private final long seed;
    private final List<TrainingHook> hooks;
    private final JavaRDD<List<RowChunk>> shards;
    private final int rounds;
    private final long rows;
    private final MultiLayerNetwork net;
    private final Broadcast<String> configuration;
    private final RoundProgress progress;
    private final RoundExchange exchange;
    private final BarrierJobs barrierJobs;

    AveragingRounds(JavaSparkContext sc, MultiLayerConfiguration conf, JavaRDD<MinibatchArrays> minibatches,
                    TrainingSettings settings, int workers, List<TrainingHook> hooks) {
        this.sc = sc;
        this.workers = workers;
        this.batchSize = settings.batchSize();
        this.seed = settings.seed();
        this.hooks = List.copyOf(hooks);
        int frequency = settings.averagingFrequency();
        // keyed by (partition, position) rather than zipWithIndex's global index: zipWithIndex runs a job of its own
        // to count each partition, which converted every row twice (1.3-1.9 s of a 6 s setup on 60,000 MNIST rows)
        this.shards = JavaPairRDD.fromJavaRDD(minibatches.mapPartitionsWithIndex(
                        (partition, batches) -> new PositionKeys(partition, batches), true))
                .partitionBy(new WorkerPartitioner(workers))
                .mapPartitions(indexed -> {
                    List<Tuple2<Long, RowChunk>> mine = new ArrayList<>();
                    indexed.forEachRemaining(mine::add);
                    mine.sort((a, b) -> Long.compare(a._1(), b._1())); // a shuffle delivers in no fixed order
                    List<RowChunk> chunks = new ArrayList<>();
                    for (int start = 0; start < mine.size(); start += frequency) {
                        List<RowChunk> parts = new ArrayList<>();
                        for (Tuple2<Long, RowChunk> t : mine.subList(start, Math.min(mine.size(), start + frequency))) {
                            parts.add(t._2());
                        }
                        chunks.add(RowChunk.concat(parts));
                    }
                    return List.of(chunks).iterator();
                }, true)
                .persist(StorageLevel.fromString(settings.storageLevel()));
        List<Tuple2<Integer, Long>> sizes = shards.map(chunks -> {
            long n = 0;
            for (RowChunk c : chunks) n += c.rows;
            return new Tuple2<>(chunks.size(), n);
        }).collect();
        int most = 0;
        long total = 0;
        for (Tuple2<Integer, Long> s : sizes) {
            most = Math.max(most, s._1());
            total += s._2();
        }
        this.rounds = most;
        this.rows = total;
        this.net = new MultiLayerNetwork(conf.clone()); // training advances its iteration count
        this.net.init();
        LayerHelpers.install(this.net);
        this.configuration = sc.broadcast(conf.toJson());
        String driverHost = sc.getConf().get("spark.driver.host", "127.0.0.1");
        this.progress = new RoundProgress(driverHost);
        this.exchange = new RoundExchange(driverHost);
        this.barrierJobs = new BarrierJobs(sc.sc());
    }

    /**
     * Whether Spark can run {@code workers} barrier tasks at once here: barrier mode needs every task of the stage
     * running together and refuses dynamic allocation.
     */
    static boolean fits(JavaSparkContext sc, int workers) {
        boolean dynamic = sc.getConf().getBoolean("spark.dynamicAllocation.enabled", false);
        int cpusPerTask = sc.getConf().getInt("spark.task.cpus", 1);
        return !dynamic && (long) workers * cpusPerTask <= sc.defaultParallelism();
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public JavaRDD<DataSet> minibatches() {
        int size = batchSize;
        // one at a time, into the same arrays (RowChunk.Reuse): a worker's share as fresh arrays all at once was 95 MB
        // of native memory for the seed CNN's 938 minibatches, allocated after every epoch for the training metrics.
        // So each element is valid only until the next is read: never cache, collect or shuffle this RDD.
        return shards.flatMap(chunks -> inOrder(chunks, size));
    }

    /** The chunks' minibatches in stored order, each in the arrays of the one before (static: no outer instance). */
    private static Iterator<DataSet> inOrder(List<RowChunk> chunks, int size) {
        RowChunk.Reuse reuse = new RowChunk.Reuse();
        Iterator<RowChunk> remaining = chunks.iterator();
        return new Iterator<>() {
            private Iterator<DataSet> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && remaining.hasNext()) {
                    current = remaining.next().minibatches(size, null, reuse);
                }
                return current.hasNext();
            }

            @Override
            public DataSet next() {
                if (!hasNext()) throw new java.util.NoSuchElementException();
                return current.next();
            }
        };
    }

    @Override
    public MultiLayerNetwork network() {
        return net;
    }

    @Override
    public double fitEpoch(int epoch, double learningRate, EpochEngine.RoundListener onRound) {
        INDArray updater = net.getUpdater() == null ? null : net.getUpdater().getStateViewArray();
        Broadcast<RoundState> start = sc.broadcast(new RoundState(net.params().dup().data().asFloat(),
                updater == null ? new float[0] : updater.dup().data().asFloat(), Double.NaN, 0));
        try {
            EpochWorker worker = new EpochWorker(configuration, start, hooks, batchSize, seed, epoch, rounds,
                    net.getLayerWiseConfigurations().getIterationCount(), learningRate,
                    progress.address(), exchange.address());
            progress.startEpoch(epoch, onRound);
            RoundState end = runEpoch(worker, epoch);
            net.setParams(NdArrays.floats(end.params, 1, end.params.length));
            if (end.updaterState.length > 0) {
                net.getUpdater().setStateViewArray(net,
                        NdArrays.floats(end.updaterState, 1, end.updaterState.length), false);
            }
            // the count that drives Adam's bias correction and schedules advances by the steps actually taken
            var conf = net.getLayerWiseConfigurations();
            conf.setIterationCount(conf.getIterationCount() + end.steps);
            progress.finishEpoch(rounds);
            return end.score;
        } finally {
            start.destroy();
        }
    }

    /**
     * Runs the epoch's barrier job, again from the epoch's starting state when it fails on a cluster.
     *
     * <p>Why here and not by Spark: Spark reruns a failed barrier stage only when it is a shuffle map stage; a
     * barrier result stage, as this job is, is aborted ("Could not recover from a failed barrier ResultStage"), so one
     * executor lost in the middle of an epoch would end the whole fit. Every attempt starts from the same broadcast
     * state and only a finished attempt's result is kept: nothing is lost or counted twice. Local mode does not
     * retry, as Spark's own local mode does not retry tasks: a failure there would fail again.
     */
    private RoundState runEpoch(EpochWorker worker, int epoch) {
        int attempts = sc.master().matches("local(\\[[^,\\]]*\\])?") ? 1
                : Math.max(1, sc.getConf().getInt("spark.stage.maxConsecutiveAttempts", 4));
        for (int attempt = 1; ; attempt++) {
            exchange.endAttempts();
            try {
                return barrierJobs.collect(new JavaRDD<>(shards.rdd().barrier().mapPartitions(new Barrier(worker),
                        false, ClassTag$.MODULE$.apply(RoundState.class)), ClassTag$.MODULE$.apply(RoundState.class)))
                        .get(0);
            } catch (Exception e) { // Scala's SparkException, undeclared
                if (!(e instanceof org.apache.spark.SparkException) || attempt >= attempts) throw e;
                LOG.warn("epoch {}: the training job failed ({}); running the epoch again from its starting state, "
                        + "attempt {} of {} (spark.stage.maxConsecutiveAttempts)", epoch,
                        e.getMessage().lines().findFirst().orElse(""), attempt + 1, attempts);
            }
        }
    }

    @Override
    public void close() {
        barrierJobs.close();
        shards.unpersist(false);
        configuration.destroy();
        progress.close();
        exchange.close();
        NetworkMemory.release(net);
    }

    static long mix(long seed, long a, long b) {
        return (seed * 1_000_003L + a) * 1_000_033L + b;
    }

    /** A partition's minibatches as flat chunks, keyed by (partition, position) in one long: partition in the high half. */
    private static final class PositionKeys implements Iterator<Tuple2<Long, RowChunk>> {
        private final long partition;
        private final Iterator<MinibatchArrays> batches;
        private long position;

        PositionKeys(int partition, Iterator<MinibatchArrays> batches) {
            this.partition = partition;
            this.batches = batches;
        }

        @Override
        public boolean hasNext() {
            return batches.hasNext();
        }

        @Override
        public Tuple2<Long, RowChunk> next() {
            return new Tuple2<>(partition << 32 | position++, RowChunk.of(batches.next()));
        }
    }

    /**
     * Minibatch {@code j} of partition {@code p} goes to worker {@code (p + j) % workers}: each partition deals its
     * minibatches round-robin, starting one worker further than the partition before, so the workers' counts differ
     * by at most about one minibatch per {@code workers} partitions. With one worker the key order is the data's order.
     */
    static final class WorkerPartitioner extends Partitioner {
        private final int workers;

        WorkerPartitioner(int workers) {
            this.workers = workers;
        }

        @Override
        public int numPartitions() {
            return workers;
        }

        @Override
        public int getPartition(Object key) {
            long k = (Long) key;
            return (int) (((k >>> 32) + (k & 0xFFFF_FFFFL)) % workers);
        }
    }

    /** Parameters and optimizer state, with the score and steps that produced them. */
    static final class RoundState implements Serializable {
        // the byte order of the machines ND4J runs on (x86-64, ARM64): float buffers of the machine's order copy in
        // bulk, where big-endian ones swap every float
        private static final java.nio.ByteOrder ORDER = java.nio.ByteOrder.LITTLE_ENDIAN;
        final float[] params;
        final float[] updaterState;
        final double score;
        final int steps;

        RoundState(float[] params, float[] updaterState, double score, int steps) {
            this.params = params;
            this.updaterState = updaterState;
            this.score = score;
            this.steps = steps;
        }

        /**
         * For allGather, which carries strings: the raw bytes as ISO-8859-1 characters, one per byte (a plain copy
         * each way, where Base64 cost a few milliseconds per round).
         */
        String encode() {
            return new String(toBytes(), StandardCharsets.ISO_8859_1);
        }

        static RoundState decode(String text) {
            return fromBytes(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** steps, score, the two lengths, then the floats, little-endian. */
        byte[] toBytes() {
            byte[] out = new byte[byteSize()];
            writeTo(out);
            return out;
        }

        int byteSize() {
            return 4 + 8 + 4 + 4 + 4 * (params.length + updaterState.length);
        }

        /** The length of the state that {@code bytes} starts with, from the lengths in its header. */
        static int encodedSize(byte[] bytes) {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ORDER);
            return 4 + 8 + 4 + 4 + 4 * (b.getInt(12) + b.getInt(16));
        }

        /** Writes {@link #toBytes}'s bytes into the start of {@code out}, which holds at least {@link #byteSize}. */
        void writeTo(byte[] out) {
            ByteBuffer b = ByteBuffer.wrap(out).order(ORDER);
            b.putInt(steps).putDouble(score).putInt(params.length).putInt(updaterState.length);
            b.asFloatBuffer().put(params).put(updaterState);
        }

        static RoundState fromBytes(byte[] bytes) {
            return fromBytes(bytes, null);
        }

        /**
         * As {@link #fromBytes(byte[])}, reading the floats into {@code reuse}'s arrays where their lengths match
         * (the returned state then shares them); {@code reuse} may be null.
         */
        static RoundState fromBytes(byte[] bytes, RoundState reuse) {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ORDER);
            int steps = b.getInt();
            double score = b.getDouble();
            int paramCount = b.getInt();
            int updaterCount = b.getInt();
            float[] params = reuse != null && reuse.params.length == paramCount ? reuse.params : new float[paramCount];
            float[] updater = reuse != null && reuse.updaterState.length == updaterCount ? reuse.updaterState
                    : new float[updaterCount];
            b.asFloatBuffer().get(params).get(updater);
            return new RoundState(params, updater, score, steps);
        }

        /** Plain means over the workers that fitted something (null if none did); steps is the longest worker's. */
        static RoundState average(List<RoundState> states) {
            return averageInto(states, null, new double[1][]);
        }

        /**
         * {@link #average}'s state, written into {@code reuse}'s arrays where their lengths match (the result then
         * shares them; {@code reuse} may be null), summing in {@code sum} when it is large enough; null, with
         * nothing written, if no worker fitted anything.
         */
        static RoundState averageInto(List<RoundState> states, RoundState reuse, double[][] sum) {
            List<RoundState> fitted = fitted(states);
            if (fitted.isEmpty()) return null;
            RoundState first = fitted.get(0);
            float[] params = reuse != null && reuse.params.length == first.params.length ? reuse.params
                    : new float[first.params.length];
            float[] updater = reuse != null && reuse.updaterState.length == first.updaterState.length
                    ? reuse.updaterState : new float[first.updaterState.length];
            int longest = Math.max(params.length, updater.length);
            if (sum[0] == null || sum[0].length < longest) sum[0] = new double[longest];
            mean(fitted, true, sum[0], FloatBuffer.wrap(params));
            mean(fitted, false, sum[0], FloatBuffer.wrap(updater));
            return new RoundState(params, updater, score(fitted), steps(fitted));
        }

        /**
         * {@link #average}'s state in {@link #toBytes}'s form, written into {@code out} when it is large enough
         * (else into a new array, returned), summing in {@code sum} when it is; null if no worker fitted anything.
         * The same floats as {@code average(states).toBytes()}, without the intermediate arrays: the driver's
         * exchange averages every round, and each of those arrays is a megabyte or more for a network of 100,000
         * parameters with Adam.
         */
        static byte[] averageBytes(List<RoundState> states, byte[] out, double[][] sum) {
            List<RoundState> fitted = fitted(states);
            if (fitted.isEmpty()) return null;
            RoundState first = fitted.get(0);
            int size = first.byteSize();
            byte[] bytes = out != null && out.length >= size ? out : new byte[size];
            int longest = Math.max(first.params.length, first.updaterState.length);
            if (sum[0] == null || sum[0].length < longest) sum[0] = new double[longest];
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ORDER);
            b.putInt(steps(fitted)).putDouble(score(fitted)).putInt(first.params.length)
                    .putInt(first.updaterState.length);
            FloatBuffer floats = b.asFloatBuffer();
            mean(fitted, true, sum[0], floats);
            mean(fitted, false, sum[0], floats);
            return bytes;
        }

        private static List<RoundState> fitted(List<RoundState> states) {
            List<RoundState> fitted = new ArrayList<>();
            for (RoundState s : states) if (s.steps > 0) fitted.add(s);
            return fitted;
        }

        private static double score(List<RoundState> fitted) {
            double score = 0;
            for (RoundState s : fitted) score += s.score / fitted.size();
            return score;
        }

        private static int steps(List<RoundState> fitted) {
            int steps = 0;
            for (RoundState s : fitted) steps = Math.max(steps, s.steps);
            return steps;
        }

        /** Sums in double in the states' order, then writes each mean as a float at {@code out}'s position. */
        private static void mean(List<RoundState> states, boolean params, double[] sum, FloatBuffer out) {
            int n = (params ? states.get(0).params : states.get(0).updaterState).length;
            java.util.Arrays.fill(sum, 0, n, 0);
            for (RoundState s : states) {
                float[] v = params ? s.params : s.updaterState;
                for (int i = 0; i < n; i++) sum[i] += v[i];
            }
            for (int i = 0; i < n; i++) out.put((float) (sum[i] / states.size()));
        }
    }

    /** The worker as the Scala function barrier mode takes. */
    private static final class Barrier extends AbstractFunction1<scala.collection.Iterator<List<RowChunk>>,
            scala.collection.Iterator<RoundState>> implements Serializable {
        private final EpochWorker worker;

        Barrier(EpochWorker worker) {
            this.worker = worker;
        }

        @Override
        public scala.collection.Iterator<RoundState> apply(scala.collection.Iterator<List<RowChunk>> shard) {
            return JavaConverters.asScalaIterator(worker.call(JavaConverters.asJavaIterator(shard)));
        }
    }

    /** One worker's epoch: its chunks in a seeded order, averaging with the other workers after each. */
    private static final class EpochWorker
            implements org.apache.spark.api.java.function.FlatMapFunction<Iterator<List<RowChunk>>, RoundState> {
        private final Broadcast<String> configuration;
        private final Broadcast<RoundState> start;
        private final List<TrainingHook> hooks;
        private final int batchSize;
        private final long seed;
        private final int epoch;
        private final int rounds;
        private final int iteration;
        private final double learningRate;
        private final RoundProgress.Address progress;
        private final RoundExchange.Address exchange;

        EpochWorker(Broadcast<String> configuration, Broadcast<RoundState> start, List<TrainingHook> hooks,
                    int batchSize, long seed, int epoch, int rounds, int iteration, double learningRate,
                    RoundProgress.Address progress, RoundExchange.Address exchange) {
            this.progress = progress;
            this.exchange = exchange;
            this.configuration = configuration;
            this.start = start;
            this.hooks = hooks;
            this.batchSize = batchSize;
            this.seed = seed;
            this.epoch = epoch;
            this.rounds = rounds;
            this.iteration = iteration;
            this.learningRate = learningRate;
        }

        @Override
        public Iterator<RoundState> call(Iterator<List<RowChunk>> shard) {
            BarrierTaskContext context = BarrierTaskContext.get();
            int worker = context.partitionId();
            List<RowChunk> chunks = shard.hasNext() ? shard.next() : List.of();
            GpuAssignment.apply(); // before any ND4J array: this worker runs on the GPU Spark gave the task, if any
            int[] order = permutation(chunks.size(), new Random(mix(seed, epoch, worker)));
            // a network for this epoch's task, built and closed on the task's thread: DL4J networks keep arrays from
            // the thread-local workspaces of the thread that last ran them, so they are not handed between threads
            MultiLayerNetwork net = new TrainingNetwork(MultiLayerConfiguration.fromJson(configuration.value()));
            net.init();
            LayerHelpers.install(net);
            RoundProgress.Sender sender = new RoundProgress.Sender(worker == 0 ? progress : null);
            int partitions = context.getTaskInfos().length;
            RoundExchange.Client client = partitions == 1 ? null : RoundExchange.Client.connect(exchange,
                    context.stageId(), context.stageAttemptNumber(), worker, partitions, rounds);
            if (partitions > 1 && !everyone(context, client != null)) {
                if (client != null) client.close();
                client = null;
            }
            try {
                RoundState state = start.value();
                RowChunk.Reuse reuse = new RowChunk.Reuse();
                float[] sentParams = null;
                float[] sentUpdater = null;
                int steps = 0;
                for (int r = 0; r < rounds; r++) {
                    set(net, state, iteration + steps);
                    RoundState mine = new RoundState(new float[0], new float[0], Double.NaN, 0);
                    if (r < chunks.size()) {
                        long roundSeed = mix(seed, epoch, 1_000 + r) + worker;
                        Nd4j.getRandom().setSeed(roundSeed); // dropout masks: reproducible for a seed and worker count
                        int fitted = 0;
                        Iterator<DataSet> batches = chunks.get(order[r]).minibatches(batchSize, new Random(roundSeed),
                                reuse);
                        while (batches.hasNext()) {
                            DataSet ds = batches.next();
                            for (TrainingHook h : hooks) h.preUpdate(ds, net);
                            net.fit(ds);
                            for (TrainingHook h : hooks) h.postUpdate(ds, net);
                            fitted++;
                        }
                        // the same two arrays every round: the exchange is done reading them when it returns
                        sentParams = floats(net.params(), sentParams);
                        sentUpdater = state.updaterState.length == 0 ? new float[0]
                                : floats(net.getUpdater().getStateViewArray(), sentUpdater);
                        mine = new RoundState(sentParams, sentUpdater, net.score(), fitted);
                    }
                    RoundState averaged = average(context, client, partitions, r, mine);
                    if (averaged != null) {
                        steps += averaged.steps;
                        state = averaged;
                    }
                    sender.roundEnd(epoch, r + 1, rounds);
                }
                // every worker holds the same average; one returns it
                return worker == 0 ? List.of(new RoundState(state.params, state.updaterState, state.score, steps))
                        .iterator() : Collections.emptyIterator();
            } catch (Throwable e) { // Throwable: a hook may throw a checked exception undeclared (Scala)
                if (client != null) {
                    try {
                        client.fail(e);
                    } catch (Throwable t) {
                        e.addSuppressed(t); // the worker's own failure is what the task reports
                    }
                }
                throw e;
            } finally {
                if (client != null) client.close();
                sender.close();
                NetworkMemory.release(net);
            }
        }

        /** The round's average over all workers (null: none fitted), through the driver's exchange where it is up. */
        private RoundState average(BarrierTaskContext context, RoundExchange.Client client, int partitions, int round,
                                   RoundState mine) {
            if (partitions == 1) return mine.steps > 0 ? mine : null; // the average of one, without an exchange
            if (client == null) {
                List<RoundState> all = new ArrayList<>();
                for (String message : BarrierSync.allGather(context, mine.encode())) all.add(RoundState.decode(message));
                return RoundState.average(all);
            }
            try {
                return client.exchange(round, mine, () -> {
                    if (context.isInterrupted()) {
                        throw new org.apache.spark.TaskKilledException("killed while waiting for averaging round "
                                + (round + 1) + " of epoch " + epoch);
                    }
                });
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("averaging round " + (round + 1) + " of epoch " + epoch
                        + ", worker " + context.partitionId() + ": " + e.getMessage(), e);
            }
        }

        /** Whether every worker says yes: all take the driver's exchange, or none does. */
        private static boolean everyone(BarrierTaskContext context, boolean yes) {
            for (String answer : BarrierSync.allGather(context, yes ? "1" : "0")) {
                if (!answer.equals("1")) return false;
            }
            return true;
        }

        private void set(MultiLayerNetwork net, RoundState state, int iteration) {
            // written into the network's own flat arrays where they are host memory, which is what setParams and
            // setStateViewArray copy into: no new native array twice a round (see RowChunk.Reuse for the cost)
            if (!writeInPlace(net.params(), state.params)) {
                net.setParams(NdArrays.floats(state.params, 1, state.params.length));
            }
            if (state.updaterState.length > 0
                    && !writeInPlace(net.getUpdater().getStateViewArray(), state.updaterState)) {
                net.getUpdater().setStateViewArray(net,
                        NdArrays.floats(state.updaterState, 1, state.updaterState.length), false);
            }
            net.getLayerWiseConfigurations().setIterationCount(iteration);
            net.getLayerWiseConfigurations().setEpochCount(epoch - 1);
            if (!Double.isNaN(learningRate)) net.setLearningRate(learningRate);
        }
    }

    private static boolean writeInPlace(INDArray target, float[] values) {
        if (!NdArrays.inPlace(target) || target.length() != values.length) return false;
        NdArrays.buffer(target).put(values);
        return true;
    }

    /**
     * The array's values, read straight from host memory where it lies there, into {@code reuse} when its length
     * fits (may be null).
     */
    private static float[] floats(INDArray a, float[] reuse) {
        if (!NdArrays.inPlace(a)) return a.dup().data().asFloat();
        float[] out = reuse != null && reuse.length == a.length() ? reuse : new float[(int) a.length()];
        NdArrays.buffer(a).get(out);
        return out;
    }

    private static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
