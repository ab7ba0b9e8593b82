package io.sparkneural.submit;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The spark-submit command submit/spark-submit.sh builds for each kind of master (DRY_RUN=1 prints it only). */
class SubmitScriptTest {

    private static String[] dryRun(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", "submit/spark-submit.sh"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(Map.of("DRY_RUN", "1", "SPARK_HOME", "/opt/spark", "APP_JAR",
                "target/spark-neural-0.1.0-SNAPSHOT-dist.jar"));
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new String[]{String.valueOf(p.exitValue()), new String(p.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).trim()};
    }

    /** Spark refuses, at SparkContext start, JVM options that look like its own ({@code -Dspark...}). */
    @Test
    void theShippedConfigurationsPassSparksOwnChecksAndCapMemoryOurWay() throws IOException {
        for (String file : List.of("conf/spark-defaults.conf", "conf/spark-gpu.conf")) {
            Properties properties = new Properties();
            try (Reader in = Files.newBufferedReader(Path.of(file))) {
                properties.load(in);
            }
            SparkConf conf = new SparkConf(false);
            for (String key : properties.stringPropertyNames()) conf.set(key, properties.getProperty(key).trim());
            conf.validateSettings();
            for (String key : List.of("spark.executor.extraJavaOptions", "spark.driver.extraJavaOptions")) {
                String options = conf.get(key);
                assertTrue(options.contains("-Dio.sparkneural.maxphysicalbytes="), file + " " + key);
                assertTrue(options.contains("-Dorg.bytedeco.javacpp.maxphysicalbytes=0 "), file + " " + key);
            }
        }
    }

    @Test
    void standaloneRunsTheDriverHereWithTheDefaults() throws Exception {
        String[] r = dryRun(Map.of(), "spark://m:7077", "train", "conf/jobs/mnist-mlp.conf", "--set",
                "pipeline.params.epochs=3");
        assertEquals("0", r[0], r[1]);
        assertEquals("/opt/spark/bin/spark-submit --master spark://m:7077 --class io.sparkneural.jobs.TrainJob "
                + "--properties-file conf/spark-defaults.conf --conf spark.executor.cores=2 --deploy-mode client "
                + "--total-executor-cores 4 target/spark-neural-0.1.0-SNAPSHOT-dist.jar --config "
                + "conf/jobs/mnist-mlp.conf --set pipeline.params.epochs=3", r[1]);
    }

    @Test
    void executorsGetOpenBlasKernelsOnlyWhenAsked() throws Exception {
        String[] r = dryRun(Map.of("EXECUTOR_OPENBLAS_CORETYPE", "SKYLAKEX"), "spark://m:7077", "train",
                "conf/jobs/mnist-mlp.conf");
        assertEquals("0", r[0], r[1]);
        assertTrue(r[1].contains(" --conf spark.executorEnv.OPENBLAS_CORETYPE=SKYLAKEX "), r[1]);
        r = dryRun(Map.of(), "spark://m:7077", "train", "conf/jobs/mnist-mlp.conf");
        assertFalse(r[1].contains("OPENBLAS_CORETYPE"), "the executors' CPUs are not known here: " + r[1]);
    }

    @Test
    void yarnAndKubernetesShipTheConfigurationWithTheDriver() throws Exception {
        String[] r = dryRun(Map.of("EXECUTORS", "8"), "yarn", "train", "conf/jobs/mnist-mlp.conf");
        assertEquals("0", r[0], r[1]);
        assertTrue(r[1].contains("--deploy-mode cluster --num-executors 8 --queue default "
                + "--files conf/jobs/mnist-mlp.conf target/spark-neural-0.1.0-SNAPSHOT-dist.jar --config mnist-mlp.conf"),
                r[1]);
        r = dryRun(Map.of("K8S_IMAGE", "registry/spark-neural:0.1"), "k8s://https://k:6443", "predict", "--model",
                "s3a://b/model", "--input", "s3a://b/in", "--output", "s3a://b/out");
        assertEquals("0", r[0], r[1]);
        assertTrue(r[1].contains("--class io.sparkneural.jobs.PredictJob"), r[1]);
        assertTrue(r[1].contains("--conf spark.kubernetes.container.image=registry/spark-neural:0.1"), r[1]);
        assertTrue(r[1].endsWith("local:///opt/spark-neural/spark-neural-0.1.0-SNAPSHOT-dist.jar --model s3a://b/model "
                + "--input s3a://b/in --output s3a://b/out"), r[1]);
    }

    @Test
    void predictOnStandalone() throws Exception {
        String[] r = dryRun(Map.of(), "spark://m:7077", "predict", "--model", "m", "--input", "i", "--output", "o");
        assertEquals("0", r[0], r[1]);
        assertTrue(r[1].endsWith("--deploy-mode client --total-executor-cores 4 "
                + "target/spark-neural-0.1.0-SNAPSHOT-dist.jar --model m --input i --output o"), r[1]);
    }

    @Test
    void aWrongMasterOrJobIsRefused() throws Exception {
        String[] r = dryRun(Map.of(), "mesos://m:5050", "train", "conf/jobs/xor.conf");
        assertEquals("2", r[0]);
        assertEquals("unknown master 'mesos://m:5050': spark://host:port, yarn or k8s://https://host:port", r[1]);
        r = dryRun(Map.of(), "yarn", "fit", "conf/jobs/xor.conf");
        assertEquals("2", r[0]);
        assertTrue(r[1].startsWith("usage: submit/spark-submit.sh"), r[1]);
    }
}
