package io.sparkneural.train;

import io.sparkneural.network.InputShape;
import io.sparkneural.network.NetworkFactory;
import io.sparkneural.network.OutputContract;
import io.sparkneural.network.Task;
import io.sparkneural.spec.NetworkSpec;
import io.sparkneural.spec.OptimizerSpec;
import org.apache.spark.SparkConf;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class MemoryPreflightTest {
    private static final long MIB = 1024L * 1024;

    @Test
    void theNeedGrowsWithParametersAndBatch() {
        MultiLayerConfiguration small = conf("dense(64, relu) dense(10, softmax)", 784);
        MultiLayerConfiguration big = conf("dense(4096, relu) dense(10, softmax)", 784);
        long smallNeed = MemoryPreflight.workerBytes(small, InputShape.flat(784), 32, 1, 10);
        long bigNeed = MemoryPreflight.workerBytes(big, InputShape.flat(784), 32, 1, 10);
        long params = 784L * 4096 + 4096 + 4096L * 10 + 10;
        // parameters, gradients and Adam's two moments: at least 4 floats per parameter
        assertTrue(bigNeed >= params * 4 * Float.BYTES, bigNeed + " < " + params * 16);
        assertTrue(bigNeed < params * 4 * Float.BYTES * 2, "estimate " + bigNeed + " is far above the arrays it holds");
        assertTrue(smallNeed < bigNeed / 30);
        assertTrue(MemoryPreflight.workerBytes(big, InputShape.flat(784), 1024, 1, 10) > bigNeed);
    }

    private static MultiLayerConfiguration conf(String layers, int features) {
        NetworkSpec spec = NetworkSpec.parse(layers);
        return NetworkFactory.configuration(spec, InputShape.flat(features),
                OutputContract.resolve(spec, "auto", Task.CLASSIFICATION, 10), OptimizerSpec.parse("adam"), 1e-3, 1, 0);
    }

    @Test
    void localModeSharesThisJvmsLimit() {
        SparkConf conf = new SparkConf(false);
        assertEquals(Optional.empty(), MemoryPreflight.problem(conf, "local[2]", 1000 * MIB, 2, 4096 * MIB));
        String p = MemoryPreflight.problem(conf, "local[2]", 3000 * MIB, 2, 4096 * MIB).orElseThrow();
        assertEquals("Pre-flight memory check: training needs about 6,000 MiB off-heap per executor (2 workers x "
                + "3,000 MiB: parameters, gradients, optimizer state and activations at this batchSize), but this JVM's "
                + "off-heap limit (JavaCPP maxbytes) is 4,096 MiB; raise -Dorg.bytedeco.javacpp.maxbytes (and "
                + "-Dio.sparkneural.maxphysicalbytes) for the driver JVM (spark.driver.extraJavaOptions, or the java command line), or "
                + "lower batchSize or the workers per executor", p);
    }

    @Test
    void clustersCheckMaxbytesAndOnYarnAndKubernetesTheOverhead() {
        SparkConf conf = new SparkConf(false).set("spark.executor.memory", "4g").set("spark.executor.cores", "2")
                .set("spark.executor.extraJavaOptions", "-XX:+UseG1GC -Dorg.bytedeco.javacpp.maxbytes=2G");
        // 2 workers per executor (2 cores) x 800 MiB fits in 2 GiB
        assertEquals(Optional.empty(), MemoryPreflight.problem(conf, "spark://m:7077", 800 * MIB, 4, 0));
        String p = MemoryPreflight.problem(conf, "spark://m:7077", 1200 * MIB, 4, 0).orElseThrow();
        assertTrue(p.contains("2,400 MiB off-heap per executor (2 workers x 1,200 MiB"), p);
        assertTrue(p.contains("but -Dorg.bytedeco.javacpp.maxbytes in spark.executor.extraJavaOptions is 2,048 MiB; "
                + "raise -Dorg.bytedeco.javacpp.maxbytes"), p);
        // YARN: the default overhead is max(384 MiB, 10% of the heap)
        p = MemoryPreflight.problem(conf, "yarn", 800 * MIB, 4, 0).orElseThrow();
        assertTrue(p.contains("but spark.executor.memoryOverhead is 410 MiB (the container's room outside the heap); "
                + "raise spark.executor.memoryOverhead to at least 1,856 MiB"), p);
        assertEquals(Optional.empty(), MemoryPreflight.problem(conf.clone().set("spark.executor.memoryOverhead", "2g"),
                "k8s://https://k:6443", 800 * MIB, 4, 0));
        // without maxbytes JavaCPP's limit is the heap
        SparkConf plain = new SparkConf(false).set("spark.executor.memory", "1g");
        p = MemoryPreflight.problem(plain, "spark://m:7077", 2000 * MIB, 1, 0).orElseThrow();
        assertTrue(p.contains("but JavaCPP's default limit (the executor heap, spark.executor.memory) is 1,024 MiB"), p);
    }

    @Test
    void javaOptionsAreReadAsJavaCppReadsThem() {
        assertEquals(4L << 30, MemoryPreflight.javacppSetting("-Dorg.bytedeco.javacpp.maxbytes=4G", "maxbytes"));
        assertEquals(512L << 20, MemoryPreflight.javacppSetting("-Xss4m -Dorg.bytedeco.javacpp.maxbytes=512m -Dx=1", "maxbytes"));
        assertEquals(1000L, MemoryPreflight.javacppSetting("-Dorg.bytedeco.javacpp.maxbytes=1000", "maxbytes"));
        assertEquals(0L, MemoryPreflight.javacppSetting("", "maxbytes"));
    }
}
