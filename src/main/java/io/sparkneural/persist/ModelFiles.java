package io.sparkneural.persist;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkneural.network.NetworkState;
import io.sparkneural.network.NetworkStateFiles;
import io.sparkneural.train.EpochRecord;
import io.sparkneural.train.TrainingSummary;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import scala.Option;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Spark's model layout: {@code metadata/} (class, uid, Spark version, Params; written by Spark's own helper) and
 * {@code data/} holding {@code model.json} (format version, sizes, provenance, history), {@code network.json}
 * (DL4J's configuration) and {@code params.bin} / {@code updater.bin} ({@link NetworkStateFiles}).
 * No Java serialization: every file is readable without running code from it.
 */
public final class ModelFiles {
    /** The data/ format this version writes and reads. */
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private ModelFiles() {}

    /**
     * What {@code data/} holds besides the network.
     *
     * @param numFeatures feature vector size
     * @param numClasses  classes (0 for regression)
     * @param summary     provenance and history
     */
    public record ModelInfo(int numFeatures, int numClasses, TrainingSummary summary) {}

    /** A loaded model's parts. */
    public record Loaded(DefaultParamsReader.Metadata metadata, NetworkState state, ModelInfo info) {}

    /** Writes both folders; Spark's MLWriter has already handled overwrite. */
    public static void save(Params stage, NetworkState state, ModelInfo info, String path, SparkContext sc) throws IOException {
        DefaultParamsWriter$.MODULE$.saveMetadata(stage, path, sc, Option.empty(), Option.empty());
        Path data = new Path(path, "data");
        FileSystem fs = data.getFileSystem(sc.hadoopConfiguration());
        NetworkStateFiles.writeText(fs, new Path(data, "model.json"), modelJson(info));
        NetworkStateFiles.write(fs, data, state);
    }

    /**
     * @throws IllegalArgumentException naming the path and what is wrong (missing file, unknown format version,
     *                                  sizes that do not match the configuration, truncated data)
     */
    public static Loaded load(String path, SparkContext sc, String expectedClass) {
        DefaultParamsReader.Metadata metadata;
        try {
            metadata = org.apache.spark.ml.util.DefaultParamsReader$.MODULE$.loadMetadata(path, sc, expectedClass);
        } catch (Exception e) { // SparkException is checked, and Spark's reader throws it from Scala
            throw new IllegalArgumentException("Cannot load a " + simpleName(expectedClass) + " from " + path
                    + ": its metadata is missing or unreadable (" + e.getMessage() + ")", e);
        }
        Path data = new Path(path, "data");
        try {
            FileSystem fs = data.getFileSystem(sc.hadoopConfiguration());
            ModelInfo info = parseModelJson(NetworkStateFiles.readText(fs, new Path(data, "model.json")), path);
            NetworkState state = NetworkStateFiles.read(fs, data);
            long expected = NetworkState.expectedParams(state.configurationJson());
            if (expected != state.params().length) {
                throw new IllegalArgumentException("its network.json defines " + expected + " parameters but params.bin holds "
                        + state.params().length);
            }
            return new Loaded(metadata, state, info);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("Cannot load a " + simpleName(expectedClass) + " from " + path + ": "
                    + e.getMessage(), e);
        }
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private static String modelJson(ModelInfo info) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        root.put("numFeatures", info.numFeatures());
        root.put("numClasses", info.numClasses());
        root.set("summary", JSON.valueToTree(info.summary()));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static ModelInfo parseModelJson(String text, String path) throws IOException {
        JsonNode root = JSON.readTree(text);
        int version = root.path("formatVersion").asInt(-1);
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("data/model.json says model format version " + version
                    + ", but this spark-neural reads format " + FORMAT_VERSION
                    + (version > FORMAT_VERSION ? "; load it with the newer spark-neural that saved it" : ""));
        }
        TrainingSummary summary = summary(root.path("summary"));
        return new ModelInfo(root.path("numFeatures").asInt(), root.path("numClasses").asInt(), summary);
    }

    /** Reads the summary; models saved before the history and early-stopping fields existed have loss arrays only. */
    private static TrainingSummary summary(JsonNode node) throws IOException {
        if (node.has("history")) return JSON.treeToValue(node, TrainingSummary.class);
        List<EpochRecord> history = new ArrayList<>();
        JsonNode losses = node.path("lossHistory");
        JsonNode seconds = node.path("epochSeconds");
        for (int i = 0; i < losses.size(); i++) {
            history.add(new EpochRecord(i + 1, Map.of("loss", losses.get(i).asDouble()), Double.NaN,
                    seconds.path(i).asDouble(Double.NaN), Double.NaN));
        }
        return new TrainingSummary(node.path("sparkVersion").asText(), node.path("dl4jVersion").asText(),
                node.path("sparkNeuralVersion").asText(), node.path("seed").asLong(), node.path("rows").asLong(), 0,
                node.path("numFeatures").asInt(), node.path("epochs").asInt(), node.path("numWorkers").asInt(), history,
                "loss", 0, Double.NaN, 0, false, List.of());
    }
}
