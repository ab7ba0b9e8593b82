package io.sparkneural.ml;

import io.sparkneural.SparkTestBase;
import io.sparkneural.train.EpochRecord;
import io.sparkneural.train.TrainingListener;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** Checkpoints: atomic, pruned, resumable to the same result as an uninterrupted run, refused when incompatible. */
class CheckpointTest extends SparkTestBase {
    private static Dataset<Row> data;

    @BeforeAll
    static void data() {
        data = frame(blobs(400, 3, 4, 17), 2).cache();
    }

    private static NeuralClassifier classifier() {
        return new NeuralClassifier().setLayers("dense(16, relu) dropout(0.2) dense(3, softmax)").setLearningRate(0.01)
                .setEpochs(4).setBatchSize(16).setNumWorkers(2).setAveragingFrequency(3).setSeed(5).setVerbose(0);
    }

    /** A listener that fails the fit after the given epoch, as a crashed driver would. */
    private static TrainingListener crashAfter(int epoch) {
        return new TrainingListener() {
            @Override
            public void onEpochEnd(EpochRecord record) {
                if (record.epoch() == epoch) throw new IllegalStateException("simulated crash after epoch " + epoch);
            }
        };
    }

    private static List<String> entries(Path dir) {
        return Arrays.stream(dir.toFile().listFiles()).map(File::getName).filter(n -> !n.startsWith("."))
                .sorted().collect(Collectors.toList());
    }

    @Test
    void aResumedRunEndsExactlyAsAnUninterruptedOne(@TempDir Path dir) {
        float[] uninterrupted = classifier().fit(data).networkState().params();

        String checkpoints = dir.resolve("ckpt").toString();
        IllegalStateException crash = assertThrows(IllegalStateException.class,
                () -> classifier().setCheckpointDir(checkpoints).addTrainingListener(crashAfter(3)).fit(data));
        assertEquals("simulated crash after epoch 3", crash.getMessage());
        // epoch 3's checkpoint was not written (the crash came first): epochs 1 and 2 remain
        assertEquals(List.of("epoch-00001", "epoch-00002"), entries(dir.resolve("ckpt")));

        NeuralClassificationModel resumed = classifier().setCheckpointDir(checkpoints).fit(data);
        assertArrayEquals(uninterrupted, resumed.networkState().params(), "same parameters, bit for bit");
        assertEquals(4, resumed.summary().epochRecords().size(), "history carried over from the checkpoint");
        assertEquals(List.of("epoch-00003", "epoch-00004"), entries(dir.resolve("ckpt")), "the latest 2 are kept");

        // fitting again with the finished checkpoints returns the same model without training
        NeuralClassificationModel again = classifier().setCheckpointDir(checkpoints).fit(data);
        assertArrayEquals(uninterrupted, again.networkState().params());
    }

    @Test
    void aHalfWrittenCheckpointIsIgnored(@TempDir Path dir) throws Exception {
        String checkpoints = dir.resolve("ckpt").toString();
        assertThrows(IllegalStateException.class,
                () -> classifier().setCheckpointDir(checkpoints).addTrainingListener(crashAfter(2)).fit(data));
        // a crash while writing epoch 2 leaves only a temporary folder behind
        Path partial = Files.createDirectories(dir.resolve("ckpt/.tmp-epoch-00002-crashed"));
        Files.writeString(partial.resolve("state.json"), "{\"formatVersion\": 1, \"epo");
        NeuralClassificationModel m = classifier().setCheckpointDir(checkpoints).fit(data);
        assertEquals(4, m.summary().epochRecords().size());
        assertFalse(Files.exists(partial), "leftover temporary folders are removed");
    }

    @Test
    void incompatibleOrDamagedCheckpointsAreRefusedByName(@TempDir Path dir) throws Exception {
        String checkpoints = dir.resolve("ckpt").toString();
        classifier().setEpochs(1).setCheckpointDir(checkpoints).fit(data);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> classifier()
                .setLayers("dense(8, relu) dense(3, softmax)").setCheckpointDir(checkpoints).fit(data));
        assertTrue(e.getMessage().startsWith("Checkpoint in " + checkpoints + " (epoch 1) was written by a fit with other "
                + "settings and cannot be resumed: it has [layers=dense(16, relu) dropout(0.2) dense(3, softmax);"), e.getMessage());
        assertTrue(e.getMessage().contains("but this fit has [layers=dense(8, relu) dense(3, softmax);"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> classifier().setCheckpointDir(checkpoints).setResumeMode("fail").fit(data));
        assertEquals("checkpointDir " + checkpoints + " already holds checkpoints and resumeMode is fail; use "
                + "resumeMode=resume to continue or restart to start over", e.getMessage());

        NeuralClassificationModel fresh = classifier().setLayers("dense(8, relu) dense(3, softmax)").setEpochs(2)
                .setCheckpointDir(checkpoints).setResumeMode("restart").fit(data);
        assertEquals(2, fresh.summary().epochRecords().size());

        Path state = dir.resolve("ckpt/epoch-00002/state.json");
        Files.deleteIfExists(dir.resolve("ckpt/epoch-00002/.state.json.crc"));
        Files.writeString(state, Files.readString(state).replace("\"formatVersion\" : 1", "\"formatVersion\" : 99"));
        e = assertThrows(IllegalArgumentException.class, () -> classifier().setLayers("dense(8, relu) dense(3, softmax)")
                .setEpochs(3).setCheckpointDir(checkpoints).fit(data));
        assertEquals("Checkpoint " + new org.apache.hadoop.fs.Path(checkpoints, "epoch-00002")
                + " has format version 99, but this spark-neural reads format 1", e.getMessage().replace("file:", ""));
    }

    @Test
    void theBestEpochCanBeKeptToo(@TempDir Path dir) {
        String checkpoints = dir.resolve("ckpt").toString();
        classifier().setCheckpointDir(checkpoints).setCheckpointKeep(1).setCheckpointKeepBest(true)
                .setCheckpointInterval(2).fit(data);
        assertEquals(List.of("best", "epoch-00004"), entries(dir.resolve("ckpt")));
        assertTrue(Files.exists(dir.resolve("ckpt/best/params.bin")));
    }
}
