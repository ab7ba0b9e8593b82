package io.sparkneural.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** A wrong configuration is refused before Spark starts, with exit code 2 and one line naming the key. */
class TrainJobConfigTest {
    @TempDir
    Path dir;

    private JobRun withConfig(String hocon, String... extra) throws Exception {
        Path file = dir.resolve("job.conf");
        Files.writeString(file, hocon);
        String[] args = new String[extra.length + 2];
        args[0] = "--config";
        args[1] = file.toString();
        System.arraycopy(extra, 0, args, 2, extra.length);
        return JobRun.train(args);
    }

    private static final String GOOD = "data {\n"
                    + "  train { format = csv, path = \"conf/data/xor.csv\" }\n"
                    + "  features = [x1, x2]\n"
                    + "}\n"
                    + "pipeline.params { layers = \"dense(4, tanh) dense(2, softmax)\", epochs = 2 }\n"
                    + "output.path = \"target/never\"\n";

    private void refused(String expected, JobRun r) {
        assertEquals(2, r.code(), r.toString());
        assertEquals("error: " + expected, r.err());
    }

    @Test
    void helpListsOptionsAndEveryKey() {
        JobRun r = JobRun.train("--help");
        assertEquals(0, r.code());
        for (String key : new String[]{"--config", "--set", "--master", "--output", "data.train.format",
                "data.test-fraction", "data.features", "data.label", "pipeline.scaler", "pipeline.model",
                "pipeline.params", "output.overwrite", "spark.conf"}) {
            assertTrue(r.out().contains(key), key + " missing from --help");
        }
    }

    @Test
    void aTypoIsNamedWithTheNearestKey() throws Exception {
        refused("unknown key data.train.fromat in " + dir.resolve("job.conf")
                        + "; did you mean data.train.format? (see --help for the keys)",
                withConfig(GOOD.replace("format = csv", "format = csv, fromat = csv")));
        refused("unknown key pipeline.params.epoch: NeuralClassifier has no Param epoch; its Params are "
                        + "averagingFrequency, batchSize, checkpointDir, checkpointInterval, checkpointKeep, "
                        + "checkpointKeepBest, earlyStoppingBaseline, earlyStoppingMinDelta, earlyStoppingMode, "
                        + "earlyStoppingMonitor, earlyStoppingPatience, earlyStoppingStartEpoch, epochs, featuresCol, "
                        + "gradientClipNorm, inferenceBatchSize, inputShape, labelCol, layers, learningRate, "
                        + "learningRateScaling, learningRateSchedule, loss, numWorkers, optimizer, predictionCol, "
                        + "prefetchBatches, probabilityCol, rawPredictionCol, restoreBestWeights, resumeMode, seed, "
                        + "storageLevel, "
                        + "thresholds, trackTrainingLoss, trainingEngine, validationIndicatorCol, validationSplit, verbose",
                withConfig(GOOD, "--set", "pipeline.params.epoch=3"));
    }

    @Test
    void wrongValuesNameTheKeyAndWhatIsAllowed() throws Exception {
        refused("data.train.format must be one of parquet, csv, libsvm, mnist, but was 'xls'",
                withConfig(GOOD.replace("format = csv", "format = xls")));
        refused("pipeline.scaler must be one of standard, minmax, maxabs, none, but was 'zscore'",
                withConfig(GOOD, "--set", "pipeline.scaler=zscore"));
        JobRun r = withConfig(GOOD, "--set", "pipeline.params.epochs=0");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().startsWith("error: pipeline.params.epochs = 0 is not allowed: "), r.err());
        r = withConfig(GOOD, "--set", "pipeline.params.epochs=many");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().startsWith("error: pipeline.params.epochs = \"many\" is not a value of this Param"), r.err());
        refused("data.test-fraction must be between 0 and 1 (exclusive), but was 1.5",
                withConfig(GOOD, "--set", "data.test-fraction=1.5"));
        refused("missing key output.path in " + dir.resolve("job.conf"),
                withConfig(GOOD.replace("output.path = \"target/never\"", "")));
        refused("pipeline.params.featuresCol is set by the job; use data.features / data.features-column and data.label",
                withConfig(GOOD, "--set", "pipeline.params.featuresCol=x"));
        refused("give data.features (columns to assemble) or data.features-column (one vector or array column), not both",
                withConfig(GOOD, "--set", "data.features-column=f"));
    }

    @Test
    void theCommandLineItselfIsChecked() throws Exception {
        refused("--config FILE is required (see --help)", JobRun.train());
        refused("configuration file nope.conf does not exist", JobRun.train("--config", "nope.conf"));
        refused("--set needs key=value, but was 'epochs'", withConfig(GOOD, "--set", "epochs"));
        JobRun r = withConfig("data { train { format = csv ");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertFalse(r.err().contains("\n"), r.err());
    }
}
