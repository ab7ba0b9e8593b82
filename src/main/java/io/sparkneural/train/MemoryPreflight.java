package io.sparkneural.train;

import io.sparkneural.network.InputShape;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.apache.spark.network.util.JavaUtils;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.MemoryUseMode;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Before training: does each executor have the off-heap memory its training workers need? ND4J keeps parameters,
 * gradients, optimizer state and activations outside the Java heap, where running out kills the executor (YARN and
 * Kubernetes kill the container; JavaCPP throws deep inside a task) after the job has already started. This check
 * fails fast instead, naming the setting to raise.
 *
 * <p>A worker's need is DL4J's own estimate for the configuration ({@code MultiLayerConfiguration.getMemoryReport}:
 * parameters, gradients, updater state, activations and working memory at the batch size, in training mode) plus
 * its minibatches in flight. The limits are JavaCPP's {@code maxbytes} (by default the JVM's maximum heap) and, on
 * YARN and Kubernetes, the container's {@code spark.executor.memoryOverhead}.
 */
public final class MemoryPreflight {
    private static final long MIB = 1024L * 1024;

    private MemoryPreflight() {}

    /** One worker's off-heap need in bytes. */
    public static long workerBytes(MultiLayerConfiguration conf, InputShape shape, int batchSize, int inFlightBatches,
                                   long labelValues) {
        long data = (long) batchSize * (shape.size() + labelValues) * Float.BYTES * Math.max(1, inFlightBatches);
        try {
            return conf.getMemoryReport(inputType(shape))
                    .getTotalMemoryBytes(batchSize, MemoryUseMode.TRAINING, CacheMode.NONE, DataType.FLOAT) + data;
        } catch (RuntimeException e) {
            // a layer without a memory report: parameters, gradients and up to two optimizer copies, plus the data
            long params = conf.getConfs().stream().mapToLong(c -> c.getLayer().initializer().numParams(c)).sum();
            return params * 4 * Float.BYTES + data;
        }
    }

    static InputType inputType(InputShape shape) {
        return shape.isImage() ? InputType.convolutional(shape.height(), shape.width(), shape.channels())
                : shape.isSequence() ? InputType.recurrent(shape.features(), shape.timesteps())
                : InputType.feedForward(shape.features());
    }

    /**
     * @param conf       the application's Spark settings
     * @param master     the master URL
     * @param perWorker  {@link #workerBytes}
     * @param workers    training workers in the job
     * @param thisJvmMax JavaCPP's maxbytes in this JVM (what local mode's tasks share)
     * @return why training cannot fit, naming the setting to raise; empty when it fits
     */
    public static Optional<String> problem(SparkConf conf, String master, long perWorker, int workers, long thisJvmMax) {
        if (master.startsWith("local")) {
            long need = perWorker * workers;
            if (thisJvmMax > 0 && need > thisJvmMax) {
                return Optional.of(message(need, workers, perWorker, "this JVM's off-heap limit (JavaCPP maxbytes) is "
                        + mib(thisJvmMax), "raise -Dorg.bytedeco.javacpp.maxbytes (and -Dio.sparkneural.maxphysicalbytes) for the driver "
                        + "JVM (spark.driver.extraJavaOptions, or the java command line)"));
            }
            return Optional.empty();
        }
        int taskCpus = conf.getInt("spark.task.cpus", 1);
        int perExecutor = Math.max(1, Math.min(workers, conf.getInt("spark.executor.cores", 1) / taskCpus));
        long need = perWorker * perExecutor;
        long heap = conf.getSizeAsBytes("spark.executor.memory", "1g");
        long maxBytes = javacppSetting(conf.get("spark.executor.extraJavaOptions", ""), "maxbytes");
        long limit = maxBytes > 0 ? maxBytes : heap;
        if (need > limit) {
            return Optional.of(message(need, perExecutor, perWorker, maxBytes > 0
                    ? "-Dorg.bytedeco.javacpp.maxbytes in spark.executor.extraJavaOptions is " + mib(maxBytes)
                    : "JavaCPP's default limit (the executor heap, spark.executor.memory) is " + mib(heap),
                    "raise -Dorg.bytedeco.javacpp.maxbytes (and -Dio.sparkneural.maxphysicalbytes) in spark.executor.extraJavaOptions"));
        }
        if (master.startsWith("yarn") || master.startsWith("k8s")) {
            long overhead = conf.contains("spark.executor.memoryOverhead")
                    ? conf.getSizeAsMb("spark.executor.memoryOverhead", "384") * MIB
                    : Math.max(384 * MIB, (long) (heap * conf.getDouble("spark.executor.memoryOverheadFactor", 0.1)));
            if (need > overhead) {
                return Optional.of(message(need, perExecutor, perWorker, "spark.executor.memoryOverhead is "
                        + mib(overhead) + " (the container's room outside the heap)",
                        "raise spark.executor.memoryOverhead to at least " + mib(need + 256 * MIB)));
            }
        }
        return Optional.empty();
    }

    /** Checks against the running application; throws with the reason when training cannot fit. */
    public static void check(org.apache.spark.api.java.JavaSparkContext sc, MultiLayerConfiguration conf,
                             InputShape shape, TrainingSettings settings, long labelValues) {
        int workers = settings.numWorkers() > 0 ? settings.numWorkers() : sc.defaultParallelism();
        int inFlight = settings.engine().equals(TrainingSettings.DL4J_SPARK) ? 1 + settings.prefetchBatches() : 1;
        long perWorker = workerBytes(conf, shape, settings.batchSize(), inFlight, labelValues);
        problem(sc.getConf(), sc.master(), perWorker, workers, Pointer.maxBytes()).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
    }

    private static String message(long need, int workers, long perWorker, String limit, String fix) {
        return String.format(Locale.ROOT, "Pre-flight memory check: training needs about %s off-heap per executor "
                + "(%d worker%s x %s: parameters, gradients, optimizer state and activations at this batchSize), but %s; "
                + "%s, or lower batchSize or the workers per executor", mib(need), workers, workers == 1 ? "" : "s",
                mib(perWorker), limit, fix);
    }

    /** {@code -Dorg.bytedeco.javacpp.<name>=4G} in a JVM options string, in bytes; 0 when absent. */
    static long javacppSetting(String javaOptions, String name) {
        String key = "-Dorg.bytedeco.javacpp." + name + "=";
        for (String part : javaOptions.trim().split("\\s+")) {
            if (part.startsWith(key)) {
                String v = part.substring(key.length()).trim().toLowerCase(Locale.ROOT);
                // JavaCPP reads 4G / 4g / 4096m / bytes
                return JavaUtils.byteStringAsBytes(v.matches("\\d+") ? v + "b" : v);
            }
        }
        return 0;
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,d MiB", (bytes + MIB - 1) / MIB);
    }
}
