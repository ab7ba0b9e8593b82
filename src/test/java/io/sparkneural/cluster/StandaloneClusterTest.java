package io.sparkneural.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkneural.jobs.TrainJob;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The train job submitted the way spark-submit does (SparkSubmit, client mode, the application jar and
 * conf/spark-defaults.conf) to a standalone Master with two Workers, each a separate process with one core, so that
 * the two training workers run in two executor JVMs. Then the faults: an executor killed in the middle of training,
 * and the driver killed and rerun with the same checkpoint folder.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class StandaloneClusterTest {
    private static final int EPOCHS = 6;
    private static final int TRAIN_ROWS = 24_000;
    private static Path home;
    private static StandaloneCluster cluster;
    private static Path appJar;
    private static Path trainCsv;
    private static Path testCsv;
    private static double localAccuracy = Double.NaN;

    @BeforeAll
    static void startCluster() throws Exception {
        home = Files.createTempDirectory("spark-neural-cluster");
        cluster = new StandaloneCluster(home, 2, 1, "4g");
        appJar = StandaloneCluster.applicationJar(home);
        // enough rows for epochs of 0.6-0.8 s: the executor kill, 100 ms after an epoch's tasks start, must land
        // inside that epoch's stage (with 2,000 rows an epoch took 0.2 s, the kill came 300 ms after the start, and
        // under load it once fell between two epochs, failing none)
        trainCsv = blobs(home.resolve("train.csv"), TRAIN_ROWS, 1);
        testCsv = blobs(home.resolve("test.csv"), 500, 2);
    }

    @AfterAll
    static void stopCluster() throws IOException {
        if (cluster != null) cluster.close();
        if (home != null) {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    /** Three classes of gaussian blobs in 8 dimensions, overlapping enough that accuracy is not trivially 1. */
    private static Path blobs(Path file, int rows, long seed) throws IOException {
        Random r = new Random(seed);
        StringBuilder csv = new StringBuilder("f0,f1,f2,f3,f4,f5,f6,f7,label\n");
        for (int i = 0; i < rows; i++) {
            int k = r.nextInt(3);
            for (int j = 0; j < 8; j++) {
                csv.append(String.format(Locale.ROOT, "%.5f,", (j == k || j == k + 3 ? 1.2 : 0) + r.nextGaussian()));
            }
            csv.append(k).append('\n');
        }
        Files.writeString(file, csv.toString());
        return file;
    }

    private static Path config(String name, String checkpointDir) throws IOException {
        Path file = home.resolve(name + ".conf");
        Files.writeString(file, String.format(Locale.ROOT, "data {\n"
                        + "  train { format = csv, path = \"%s\" }\n"
                        + "  test  { format = csv, path = \"%s\" }\n"
                        + "  features = [f0, f1, f2, f3, f4, f5, f6, f7]\n"
                        + "  label = label\n"
                        + "}\n"
                        + "pipeline.params {\n"
                        + "  layers = \"dense(32, relu) dense(3, softmax)\"\n"
                        + "  epochs = %d, batchSize = 32, numWorkers = 2, averagingFrequency = 5, learningRate = 0.005, seed = 11,\n"
                        + "  trackTrainingLoss = false\n"
                        + "  %s\n"
                        + "}\n"
                        + "output { path = \"%s\", overwrite = true }\n", trainCsv, testCsv, EPOCHS,
                checkpointDir == null ? "" : "checkpointDir = \"" + checkpointDir + "\", checkpointInterval = 1",
                home.resolve("out-" + name)));
        return file;
    }

    /** SparkSubmit in client mode, as bin/spark-submit runs it; the driver's output goes to {@code log}. */
    private static Process submit(Path config, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(StandaloneCluster.JAVA, "-Xmx1g",
                "-Dorg.bytedeco.javacpp.maxbytes=2G", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0",
                "-Dio.sparkneural.maxphysicalbytes=4G"));
        cmd.addAll(StandaloneCluster.jvmFlags());
        cmd.addAll(List.of("-cp", cluster.sparkHome.resolve("jars") + File.separator + "*",
                "org.apache.spark.deploy.SparkSubmit", "--master", cluster.masterUrl(), "--deploy-mode", "client",
                "--class", "io.sparkneural.jobs.TrainJob", "--properties-file", "conf/spark-defaults.conf",
                "--conf", "spark.executor.cores=1", "--conf", "spark.executor.memory=2g",
                "--conf", "spark.driver.host=127.0.0.1", "--total-executor-cores", "2",
                appJar.toString(), "--config", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(cluster.environment());
        return pb.start();
    }

    private static String finish(Process driver, Path log) throws Exception {
        if (!driver.waitFor(6, TimeUnit.MINUTES)) stuck(driver, "the job did not finish", log);
        String output = Files.readString(log);
        // kept for a look after the run: the temporary folder goes
        Path kept = Files.createDirectories(Path.of("target", "cluster-logs")).resolve(log.getFileName());
        Files.copy(log, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(0, driver.exitValue(), "the job failed:\n" + StandaloneCluster.tail(log));
        return output;
    }

    private static JsonNode metrics(String name) throws IOException {
        return new ObjectMapper().readTree(home.resolve("out-" + name).resolve("metrics.json").toFile());
    }

    private static double accuracy(String name) throws IOException {
        return metrics(name).get("test").get("accuracy").asDouble();
    }

    /**
     * The same configuration on local[2] in this JVM: the reference every cluster run must reproduce exactly (the
     * data splits, seeds and averaging order are the same, so the parameters are too).
     */
    private static synchronized double localAccuracy() throws Exception {
        if (Double.isNaN(localAccuracy)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            int code = TrainJob.run(new String[]{"--config", config("local", null).toString(), "--master", "local[2]"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, code, out + "\n" + err);
            localAccuracy = accuracy("local");
            assertTrue(localAccuracy > 0.75, "accuracy " + localAccuracy);
        }
        return localAccuracy;
    }

    /** The saved model loads in this JVM and scores what the job reported. */
    private static void loadsHereAndScoresTheSame(String name) throws Exception {
        SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        try {
            PipelineModel model = PipelineModel.load(home.resolve("out-" + name).resolve("model").toString());
            var test = spark.read().option("header", "true").option("inferSchema", "true").csv(testCsv.toString());
            double again = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(model.transform(test));
            assertEquals(accuracy(name), again, 1e-9);
        } finally {
            spark.stop();
        }
    }

    private static void waitFor(Process driver, Path log, java.util.function.BooleanSupplier condition, String what)
            throws Exception {
        long end = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (!condition.getAsBoolean()) {
            if (!driver.isAlive()) fail("the job ended before " + what + ":\n" + StandaloneCluster.tail(log));
            if (System.nanoTime() > end) stuck(driver, "no " + what + " within 4 minutes", log);
            Thread.sleep(100);
        }
    }

    /**
     * Fails with the driver's log and the cluster's: why no executor came is in the master's and workers' logs. The
     * driver is stopped first, since a driver left running holds the cluster's cores and the next test gets none.
     */
    private static void stuck(Process driver, String what, Path log) {
        List<ProcessHandle> jvms = new ArrayList<>(List.of(driver.toHandle()));
        for (int w = 0; w < 2; w++) jvms.addAll(cluster.executorsOf(w));
        String report = cluster.stuckReport(jvms);
        driver.descendants().forEach(ProcessHandle::destroyForcibly);
        driver.destroyForcibly();
        // the whole report on the test's output too: a failure message may be cut where the summary prints it
        System.out.println("--- stuck: " + what + report);
        fail(what + ":\n" + StandaloneCluster.tail(log) + "\n--- master.log\n" + StandaloneCluster.tail(home.resolve("master.log"))
                + "\n--- worker-1.log\n" + StandaloneCluster.tail(home.resolve("worker-1.log"))
                + "\n--- worker-2.log\n" + StandaloneCluster.tail(home.resolve("worker-2.log")) + report);
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean logContains(Path log, String text) {
        return read(log).contains(text);
    }

    @Test
    void trainsOnBothWorkersAndSurvivesAnExecutorKilledInTheMiddleOfAnEpoch() throws Exception {
        double expected = localAccuracy();
        Path log = home.resolve("executor-kill.log");
        Process driver = submit(config("executor-kill", null), log);
        waitFor(driver, log, () -> logContains(log, "epoch 2/" + EPOCHS), "epoch 2");
        // then into the next epoch's training stage, with both of its tasks running
        java.util.regex.Pattern stage = java.util.regex.Pattern.compile(
                "Submitting ResultStage (\\d+) \\(MapPartitionsRDD\\[\\d+\\] at mapPartitions at AveragingRounds");
        String[] id = new String[1];
        waitFor(driver, log, () -> {
            String text = read(log);
            java.util.regex.Matcher m = stage.matcher(text.substring(text.indexOf("epoch 2/" + EPOCHS)));
            if (m.find()) id[0] = m.group(1);
            return id[0] != null && text.contains("Starting task 0.0 in stage " + id[0] + ".0")
                    && text.contains("Starting task 1.0 in stage " + id[0] + ".0");
        }, "the training stage of epoch 3");
        Thread.sleep(100);
        List<ProcessHandle> executors = cluster.executorsOf(0);
        assertFalse(executors.isEmpty(), "worker 1 runs no executor");
        executors.forEach(ProcessHandle::destroyForcibly);
        String output = finish(driver, log);
        assertTrue(output.contains("epoch " + EPOCHS + "/" + EPOCHS), output);
        assertTrue(output.contains("Lost executor"), "the driver did not notice the kill:\n" + StandaloneCluster.tail(log));
        assertTrue(output.contains("running the epoch again from its starting state"), output);
        JsonNode metrics = metrics("executor-kill");
        assertEquals(EPOCHS, metrics.get("epochs_run").asInt());
        assertEquals(TRAIN_ROWS, metrics.get("train_rows").asLong());
        assertEquals(500, metrics.get("test").get("rows").asLong());
        // an epoch whose stage failed reruns from the epoch's starting state: the same parameters as without the kill,
        // which are those of the local run
        System.out.printf(Locale.ROOT, "cluster (executor killed) test accuracy %.4f, local[2] %.4f%n",
                accuracy("executor-kill"), expected);
        assertEquals(expected, accuracy("executor-kill"), 1e-9);
        assertTrue(output.contains("RESULT train test_accuracy="), output);
        for (int w = 0; w < 2; w++) {
            boolean worked = false;
            for (Path stderr : cluster.executorLogs(w)) worked |= Files.readString(stderr).contains("Finished task");
            assertTrue(worked, "no executor of worker " + (w + 1) + " finished a task");
        }
        loadsHereAndScoresTheSame("executor-kill");
    }

    @Test
    void aKilledDriverIsRerunWithTheSameCheckpointsAndResumes() throws Exception {
        double expected = localAccuracy();
        Path checkpoints = home.resolve("checkpoints");
        Path config = config("driver-kill", checkpoints.toString());
        Path log = home.resolve("driver-kill-1.log");
        Process driver = submit(config, log);
        waitFor(driver, log, () -> Files.isDirectory(checkpoints.resolve("epoch-00002")), "checkpoint of epoch 2");
        driver.descendants().forEach(ProcessHandle::destroyForcibly);
        driver.destroyForcibly();
        driver.waitFor();
        assertFalse(Files.exists(home.resolve("out-driver-kill/metrics.json")), "the first run finished anyway");
        // the master ends the dead application's executors, freeing the cores for the rerun
        for (int w = 0; w < 2; w++) {
            for (ProcessHandle p : cluster.executorsOf(w)) p.onExit().get(60, TimeUnit.SECONDS);
        }

        Path rerunLog = home.resolve("driver-kill-2.log");
        String output = finish(submit(config, rerunLog), rerunLog);
        assertTrue(output.contains("resumes from the checkpoint of epoch"), output);
        assertFalse(output.contains("epoch 1/" + EPOCHS + " "), "the rerun started over:\n" + output);
        assertTrue(output.contains("epoch " + EPOCHS + "/" + EPOCHS), output);
        assertEquals(EPOCHS, metrics("driver-kill").get("epochs_run").asInt());
        assertEquals(expected, accuracy("driver-kill"), 1e-9);
    }
}
