package io.sparkneural.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkneural.network.NetworkState;
import io.sparkneural.network.NetworkStateFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Checkpoints of a training run in any Hadoop file system (local, HDFS, S3A, ...): one folder per epoch,
 * {@code epoch-00007/}, holding the network (configuration, parameters, optimizer state), the iteration count,
 * the history so far, early stopping's and the schedule's state, a fingerprint of the run's settings and the
 * estimator's Params (JSON, as Spark's metadata writes them); plus
 * {@code best/} with the best epoch's network when asked.
 *
 * <p>A checkpoint is written into a temporary folder and renamed into place, so a crash mid-write leaves the
 * previous checkpoint as the latest loadable one; leftover temporary folders are ignored and removed.
 */
public final class CheckpointStore {
    /** Checkpoint format this version writes and reads. */
    public static final int FORMAT_VERSION = 1;
    private static final String PREFIX = "epoch-";
    private static final String TEMP_PREFIX = ".tmp-";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path root;
    private final FileSystem fs;
    private final int keep;
    private final boolean keepBest;

    /**
     * @param dir      checkpoint folder (created when missing)
     * @param keep     how many of the latest checkpoints to keep (>= 1)
     * @param keepBest also keep the best epoch's network in {@code best/}
     */
    public CheckpointStore(String dir, Configuration hadoop, int keep, boolean keepBest) {
        this.root = new Path(dir);
        this.keep = keep;
        this.keepBest = keepBest;
        try {
            this.fs = root.getFileSystem(hadoop);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open checkpointDir " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Everything needed to continue a run after an epoch. */
    public record Checkpoint(int epoch, int iterationCount, NetworkState state, List<EpochRecord> history,
                             double stoppingBest, int stoppingBestEpoch, int stoppingWait, NetworkState bestState,
                             double plateauBest, int plateauWait, double rate, String fingerprint, int stoppedEpoch, String estimatorParams) {}

    /** The checkpoint folder. */
    public String location() {
        return root.toString();
    }

    /** Whether any complete checkpoint exists. */
    public boolean hasCheckpoints() {
        return !epochs().isEmpty();
    }

    /** Deletes every checkpoint (resumeMode=restart). */
    public void clear() {
        try {
            if (fs.exists(root)) {
                for (FileStatus s : fs.listStatus(root)) {
                    String name = s.getPath().getName();
                    if (name.startsWith(PREFIX) || name.startsWith(TEMP_PREFIX) || name.equals("best")) fs.delete(s.getPath(), true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot clear checkpointDir " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the checkpoint atomically, then prunes old ones.
     *
     * @param newBest the best epoch's network when it changed since the last checkpoint (written to best/ when
     *                keeping the best), else null
     */
    public void save(Checkpoint c, NetworkState newBest) {
        Path target = new Path(root, String.format("%s%05d", PREFIX, c.epoch()));
        Path temp = new Path(root, TEMP_PREFIX + target.getName() + "-" + UUID.randomUUID());
        try {
            fs.mkdirs(temp);
            writeState(temp, c);
            writeNetwork(temp, c.state());
            if (c.bestState() != null) writeNetwork(new Path(temp, "best-so-far"), c.bestState());
            if (fs.exists(target)) fs.delete(target, true);
            if (!fs.rename(temp, target)) throw new IOException("rename of " + temp + " to " + target + " failed");
            if (keepBest && newBest != null) {
                Path best = new Path(root, "best");
                Path bestTemp = new Path(root, TEMP_PREFIX + "best-" + UUID.randomUUID());
                writeNetwork(bestTemp, newBest);
                fs.delete(best, true);
                fs.rename(bestTemp, best);
            }
            prune();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write checkpoint " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * The latest complete checkpoint, or null when there is none.
     *
     * @throws IllegalArgumentException naming the path when it is of another format or damaged
     */
    public Checkpoint latest() {
        List<Path> epochs = epochs();
        if (epochs.isEmpty()) return null;
        Path dir = epochs.get(epochs.size() - 1);
        try {
            JsonNode s = JSON.readTree(readText(new Path(dir, "state.json")));
            int version = s.path("formatVersion").asInt(-1);
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException("Checkpoint " + dir + " has format version " + version
                        + ", but this spark-neural reads format " + FORMAT_VERSION);
            }
            List<EpochRecord> history = new ArrayList<>();
            for (JsonNode r : s.path("history")) history.add(JSON.treeToValue(r, EpochRecord.class));
            Path bestSoFar = new Path(dir, "best-so-far");
            return new Checkpoint(s.path("epoch").asInt(), s.path("iterationCount").asInt(), readNetwork(dir), history,
                    s.path("stoppingBest").asDouble(Double.NaN), s.path("stoppingBestEpoch").asInt(),
                    s.path("stoppingWait").asInt(), fs.exists(bestSoFar) ? readNetwork(bestSoFar) : null,
                    s.path("plateauBest").asDouble(Double.NaN), s.path("plateauWait").asInt(),
                    s.path("rate").asDouble(), s.path("fingerprint").asText(), s.path("stoppedEpoch").asInt(),
                    s.path("estimatorParams").toString());
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith("Checkpoint ")) throw iae;
            throw new IllegalArgumentException("Checkpoint " + dir + " is damaged: " + e.getMessage(), e);
        }
    }

    private List<Path> epochs() {
        try {
            if (!fs.exists(root)) return List.of();
            List<Path> out = new ArrayList<>();
            for (FileStatus s : fs.listStatus(root)) {
                if (s.isDirectory() && s.getPath().getName().startsWith(PREFIX)) out.add(s.getPath());
            }
            out.sort(Comparator.comparing(Path::getName));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list checkpointDir " + root + ": " + e.getMessage(), e);
        }
    }

    private void prune() throws IOException {
        List<Path> epochs = epochs();
        for (int i = 0; i < epochs.size() - keep; i++) fs.delete(epochs.get(i), true);
        for (FileStatus s : fs.listStatus(root)) {
            if (s.getPath().getName().startsWith(TEMP_PREFIX)) fs.delete(s.getPath(), true); // crashed writes
        }
    }

    private void writeState(Path dir, Checkpoint c) throws IOException {
        ObjectNode s = JSON.createObjectNode();
        s.put("formatVersion", FORMAT_VERSION);
        s.put("epoch", c.epoch());
        s.put("iterationCount", c.iterationCount());
        s.set("history", JSON.valueToTree(c.history()));
        s.put("stoppingBest", c.stoppingBest());
        s.put("stoppingBestEpoch", c.stoppingBestEpoch());
        s.put("stoppingWait", c.stoppingWait());
        s.put("plateauBest", c.plateauBest());
        s.put("plateauWait", c.plateauWait());
        s.put("rate", c.rate());
        s.put("fingerprint", c.fingerprint());
        s.put("stoppedEpoch", c.stoppedEpoch());
        s.set("estimatorParams", JSON.readTree(c.estimatorParams()));
        writeText(new Path(dir, "state.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(s));
    }

    private void writeNetwork(Path dir, NetworkState state) throws IOException {
        NetworkStateFiles.write(fs, dir, state);
    }

    private NetworkState readNetwork(Path dir) throws IOException {
        return NetworkStateFiles.read(fs, dir);
    }

    private void writeText(Path file, String text) throws IOException {
        NetworkStateFiles.writeText(fs, file, text);
    }

    private String readText(Path file) throws IOException {
        return NetworkStateFiles.readText(fs, file);
    }

    @Override
    public String toString() {
        return "CheckpointStore(" + root + ", keep=" + keep + ", keepBest=" + keepBest + ", epochs="
                + Arrays.toString(epochs().stream().map(Path::getName).toArray()) + ")";
    }
}
