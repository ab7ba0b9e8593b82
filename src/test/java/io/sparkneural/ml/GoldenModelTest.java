package io.sparkneural.ml;

import io.sparkneural.SparkTestBase;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Models saved by an earlier release must keep loading and predicting the same: src/test/resources/golden holds
 * a classifier saved in model format 1 and the probabilities it gave for three rows when it was saved.
 * Regenerate (only when adding a new format) with {@code mvn test -Dtest=GoldenModelTest -Dgolden.write=true}.
 */
class GoldenModelTest extends SparkTestBase {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/classifier-format1");
    private static final List<Vector> ROWS = List.of(Vectors.dense(0.5, -1.0, 2.0, 0.0), Vectors.dense(-3.0, 1.0, 0.5, 1.5),
            Vectors.dense(2.0, 2.0, -2.0, -1.0));

    @Test
    void formatOneModelLoadsAndPredictsAsWhenSaved() throws Exception {
        NeuralClassificationModel m = NeuralClassificationModel.load(GOLDEN.resolve("model").toString());
        List<String> expected = Files.readAllLines(GOLDEN.resolve("expected-probabilities.txt"));
        for (int i = 0; i < ROWS.size(); i++) {
            double[] want = parse(expected.get(i));
            assertArrayEquals(want, m.predictProbability(ROWS.get(i)).toArray(), 1e-6, "row " + i);
        }
        assertEquals("dense(8, relu) dense(3, softmax)", m.getLayers());
        assertEquals(3, m.summary().epochs());
    }

    @Test
    @EnabledIfSystemProperty(named = "golden.write", matches = "true")
    void writeGolden() throws Exception {
        NeuralClassificationModel m = new NeuralClassifier().setLayers("dense(8, relu) dense(3, softmax)").setEpochs(3)
                .setLearningRate(0.01).fit(frame(blobs(300, 3, 4, 1), 2));
        m.write().overwrite().save(GOLDEN.resolve("model").toString());
        StringBuilder lines = new StringBuilder();
        for (Vector row : ROWS) lines.append(m.predictProbability(row).toString().replaceAll("[\\[\\]]", "")).append('\n');
        Files.writeString(GOLDEN.resolve("expected-probabilities.txt"), lines.toString());
    }

    private static double[] parse(String line) {
        String[] parts = line.split(",");
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) v[i] = Double.parseDouble(parts[i].trim());
        return v;
    }
}
