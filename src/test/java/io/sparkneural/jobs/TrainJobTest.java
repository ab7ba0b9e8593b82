package io.sparkneural.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The train and predict jobs end to end, on the shipped example configurations and on generated tables. */
class TrainJobTest {
    @TempDir
    Path dir;

    private static void assertPng(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(bytes.length > 1000, file + " is " + bytes.length + " bytes");
        assertEquals((byte) 0x89, bytes[0]);
        assertEquals("PNG", new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII), file.toString());
    }

    @Test
    void xorTrainsFromTheShippedConfigurationAndPredicts() throws Exception {
        Path out = dir.resolve("xor");
        JobRun r = JobRun.train("--config", "conf/jobs/xor.conf", "--output", out.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("RESULT train test_accuracy=1.0000"), r.out());
        assertTrue(r.out().contains("confusion matrix (rows: true class, columns: predicted)"), r.out());

        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(1.0, metrics.get("test").get("accuracy").asDouble());
        assertEquals(4, metrics.get("test").get("rows").asLong());
        assertEquals(60, metrics.get("epochs_run").asInt());
        List<String> history = Files.readAllLines(out.resolve("history.csv"));
        assertEquals("epoch,loss,accuracy,learning_rate,seconds,samples_per_second", history.get(0));
        assertEquals(61, history.size());
        assertPng(out.resolve("loss.png"));
        assertPng(out.resolve("accuracy.png"));
        assertPng(out.resolve("confusion-matrix.png"));
        assertEquals(List.of("true\\predicted,0,1", "0,2,0", "1,0,2"),
                Files.readAllLines(out.resolve("confusion-matrix.csv")));
        assertTrue(Files.readString(out.resolve("config.json")).contains("dense(4, tanh) dense(1, sigmoid)"));
        assertTrue(Files.isDirectory(out.resolve("model/stages")));

        // an existing output folder is not overwritten unless the configuration says so
        JobRun again = JobRun.train("--config", "conf/jobs/xor.conf", "--output", out.toString(),
                "--set", "output.overwrite=false");
        assertEquals(2, again.code(), again.toString());
        assertEquals("error: output.path " + out + " already holds files; set output.overwrite = true to replace them, "
                + "or choose another folder", again.err());

        Path predictions = dir.resolve("xor-predictions");
        JobRun p = JobRun.predict("--model", out.resolve("model").toString(), "--input", "conf/data/xor.csv",
                "--format", "csv", "--output", predictions.toString(), "--output-format", "csv");
        assertEquals(0, p.code(), p.toString());
        assertTrue(p.out().contains("wrote 4 predictions (csv)"), p.out());
        List<String> lines = csvLines(predictions);
        assertEquals("x1,x2,label,prediction,probability_0,probability_1", lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            assertEquals(Double.parseDouble(f[2]), Double.parseDouble(f[3]), line);
        }
    }

    private static List<String> csvLines(Path folder) throws Exception {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(x -> x.getFileName().toString().endsWith(".csv")).sorted().toList()) {
                List<String> l = Files.readAllLines(f);
                if (l.isEmpty()) continue;
                if (lines.isEmpty()) lines.add(l.get(0));
                lines.addAll(l.subList(1, l.size()));
            }
        }
        return lines;
    }

    /** Two gaussian blobs per class name in 3 dimensions; the class is a word. */
    private static Path blobs(Path file, int rows, long seed) throws Exception {
        Random r = new Random(seed);
        StringBuilder csv = new StringBuilder("a,b,c,species\n");
        String[] names = {"setosa", "versicolor", "virginica"};
        for (int i = 0; i < rows; i++) {
            int k = r.nextInt(3);
            csv.append(String.format(Locale.ROOT, "%.4f,%.4f,%.4f,%s%n", k * 3 + r.nextGaussian(),
                    10 + (k == 1 ? 4 : 0) + r.nextGaussian(), r.nextGaussian() * 5, names[k]));
        }
        Files.writeString(file, csv.toString());
        return file;
    }

    @Test
    void textLabelsAreIndexedAndComeBackAsNames() throws Exception {
        Path train = blobs(dir.resolve("train.csv"), 600, 1);
        Path conf = dir.resolve("species.conf");
        Files.writeString(conf, String.format(Locale.ROOT, "data {\n"
                        + "  train { format = csv, path = \"%s\" }\n"
                        + "  test-fraction = 0.25\n"
                        + "  features = \"a, b, c\"\n"
                        + "  label = species\n"
                        + "}\n"
                        + "pipeline {\n"
                        + "  scaler = standard\n"
                        + "  params { layers = \"dense(16, relu) dense(3, softmax)\", epochs = 8, batchSize = 16, numWorkers = 2,\n"
                        + "           learningRate = 0.01, validationSplit = 0.1, verbose = 0 }\n"
                        + "}\n"
                        + "output.path = \"%s\"\n", train, dir.resolve("out")));
        JobRun r = JobRun.train("--config", conf.toString());
        assertEquals(0, r.code(), r.toString());
        JsonNode metrics = new ObjectMapper().readTree(dir.resolve("out/metrics.json").toFile());
        assertTrue(metrics.get("test").get("accuracy").asDouble() > 0.9, metrics.toString());
        assertTrue(metrics.get("last_epoch").has("val_accuracy"), metrics.toString());
        List<String> matrix = Files.readAllLines(dir.resolve("out/confusion-matrix.csv"));
        assertEquals(4, matrix.size());
        assertTrue(matrix.get(0).matches("true\\\\predicted,(setosa|versicolor|virginica),.*"), matrix.get(0));

        Path test = blobs(dir.resolve("test.csv"), 50, 2);
        JobRun p = JobRun.predict("--model", dir.resolve("out/model").toString(), "--input", test.toString(),
                "--format", "csv", "--output", dir.resolve("pred").toString());
        assertEquals(0, p.code(), p.toString());
        JobRun missing = JobRun.predict("--model", dir.resolve("nothing").toString(), "--input", test.toString(),
                "--format", "csv", "--output", dir.resolve("pred2").toString());
        assertEquals(2, missing.code(), missing.toString());
        assertTrue(missing.err().startsWith("error: --model " + dir.resolve("nothing") + " is not a saved PipelineModel"),
                missing.err());
        JobRun exists = JobRun.predict("--model", dir.resolve("out/model").toString(), "--input", test.toString(),
                "--format", "csv", "--output", dir.resolve("pred").toString());
        assertNotEquals(0, exists.code(), "an existing output is kept without --overwrite");
        assertTrue(exists.err().contains("already exists"), exists.err());
    }

    @Test
    void aRerunThatResumesAFinishedFitSaysSoAndCountsOnlyItsOwnEpochs() throws Exception {
        Path out = dir.resolve("xor-resumed");
        String checkpoints = "pipeline.params.checkpointDir=\"" + dir.resolve("checkpoints") + "\"";
        JobRun first = JobRun.train("--config", "conf/jobs/xor.conf", "--output", out.toString(),
                "--set", "pipeline.params.epochs=5", "--set", checkpoints);
        assertEquals(0, first.code(), first.toString());
        assertTrue(first.out().contains("trained 5 epochs in "), first.out());
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(5, metrics.get("epochs_trained_now").asInt());
        assertEquals(0, metrics.get("resumed_after_epoch").asInt());
        assertTrue(metrics.get("samples_per_second").asDouble() > 0, metrics.toString());

        JobRun again = JobRun.train("--config", "conf/jobs/xor.conf", "--output", out.toString(),
                "--set", "pipeline.params.epochs=5", "--set", checkpoints);
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.out().contains("resumed after epoch 5 from its checkpoint, trained 0 more in "), again.out());
        assertTrue(again.out().contains(" epochs=5 resumed_after_epoch=5"), again.out());
        metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(5, metrics.get("epochs_run").asInt());
        assertEquals(0, metrics.get("epochs_trained_now").asInt());
        assertEquals(5, metrics.get("resumed_after_epoch").asInt());
        assertEquals(0.0, metrics.get("samples_per_second").asDouble());

        // given more epochs, the rerun trains only the missing ones
        JobRun longer = JobRun.train("--config", "conf/jobs/xor.conf", "--output", out.toString(),
                "--set", "pipeline.params.epochs=7", "--set", checkpoints);
        assertEquals(0, longer.code(), longer.toString());
        assertTrue(longer.out().contains("resumed after epoch 5 from its checkpoint, trained 2 more in "), longer.out());
        metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(7, metrics.get("epochs_run").asInt());
        assertEquals(2, metrics.get("epochs_trained_now").asInt());
    }

    @Test
    void theLstmForecasterConfigurationRunsAsARegressor() throws Exception {
        Path out = dir.resolve("airline");
        JobRun r = JobRun.train("--config", "conf/jobs/airline-lstm.conf", "--output", out.toString(),
                "--set", "pipeline.params.epochs=3");
        assertEquals(0, r.code(), r.toString());
        JsonNode test = new ObjectMapper().readTree(out.resolve("metrics.json").toFile()).get("test");
        assertEquals(24, test.get("rows").asLong());
        assertTrue(test.has("rmse") && test.has("mae") && test.has("r2"), test.toString());
        assertPng(out.resolve("rmse.png"));
        assertFalse(new File(out.toFile(), "confusion-matrix.csv").exists());
    }

    @Test
    void dataErrorsNameTheColumn() throws Exception {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, String.format(Locale.ROOT, "data { train { format = csv, path = \"conf/data/xor.csv\" }, features = [x1, x3] }\n"
                        + "pipeline.params { layers = \"dense(2, softmax)\", epochs = 1 }\n"
                        + "output.path = \"%s\"\n", dir.resolve("o")));
        JobRun r = JobRun.train("--config", conf.toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals("error: data.features names column 'x3', which the training data does not have; it has x1, x2, "
                + "label", r.err());
        r = JobRun.train("--config", conf.toString(), "--set", "data.features=[x1,x2]", "--set",
                "data.train.path=" + dir.resolve("missing.csv"));
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().startsWith("error: data.train.path: [PATH_NOT_FOUND] Path does not exist"), r.err());
    }

    @Test
    void aNetworkTooBigForTheMemoryIsRefusedBeforeTraining() throws Exception {
        JobRun r = JobRun.train("--config", "conf/jobs/xor.conf", "--output", dir.resolve("big").toString(),
                "--set", "pipeline.params.layers=\"dense(30000, relu) dense(30000, relu) dense(1, sigmoid)\"");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().startsWith("error: Pre-flight memory check: training needs about "), r.err());
        assertTrue(r.err().contains("but this JVM's off-heap limit (JavaCPP maxbytes) is 4,096 MiB; raise "
                + "-Dorg.bytedeco.javacpp.maxbytes"), r.err());
    }
}
