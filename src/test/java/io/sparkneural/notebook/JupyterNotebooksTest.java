package io.sparkneural.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Executes every notebook in notebooks/ headless, as shipped, with the real kernel (nbconvert --execute), and checks
 * that it ran without error and that every cell that shows a chart produced a PNG. The executed copies land in
 * target/notebooks.
 */
class JupyterNotebooksTest {
  private static final Path OUT = Path.of("target", "notebooks");
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void prepare() throws Exception {
    NotebookTools.prepare();
    Files.createDirectories(OUT);
  }

  static List<Path> notebooks() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("notebooks"))) {
      return files.filter(p -> p.toString().endsWith(".ipynb")).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void thereAreTheSixStories() throws IOException {
    assertEquals(6, notebooks().size(), notebooks().toString());
  }

  @ParameterizedTest
  @MethodSource("notebooks")
  void shipsWithoutOutputsForOurKernel(Path notebook) throws IOException {
    JsonNode nb = JSON.readTree(notebook.toFile());
    assertEquals(KernelSpec.NAME, nb.at("/metadata/kernelspec/name").asText(), notebook + ": kernel");
    for (JsonNode cell : nb.get("cells")) {
      assertTrue(cell.hasNonNull("id"), notebook + ": a cell without id");
      if (cell.get("cell_type").asText().equals("code")) {
        assertEquals(0, cell.get("outputs").size(), notebook + " cell " + cell.get("id") + " carries stale outputs");
        assertTrue(cell.get("execution_count").isNull(), notebook + " cell " + cell.get("id") + " has a count");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("notebooks")
  void runsWithoutErrorAndDrawsEveryChart(Path notebook) throws Exception {
    NotebookTools.Result r = NotebookTools.run(List.of("/usr/bin/jupyter", "nbconvert", "--to", "notebook",
        "--execute", notebook.toString(), "--output-dir", OUT.toString(), "--ExecutePreprocessor.timeout=900"),
        Map.of(), 1500);
    assertEquals(0, r.exitCode, notebook + " failed:\n" + NotebookTools.tail(r.output));
    JsonNode executed = JSON.readTree(OUT.resolve(notebook.getFileName()).toFile());
    int charts = 0;
    StringBuilder text = new StringBuilder();
    for (JsonNode cell : executed.get("cells")) {
      if (!cell.get("cell_type").asText().equals("code")) continue;
      String source = cell.get("source").isArray() ? joined(cell.get("source")) : cell.get("source").asText();
      int shows = source.split("Notebook\\.show\\(", -1).length - 1;
      int images = 0;
      for (JsonNode output : cell.get("outputs")) {
        assertFalse(output.get("output_type").asText().equals("error"), notebook + " cell " + cell.get("id") + ": "
            + output);
        if (output.has("data") && output.get("data").has("image/png")) images++;
        if (output.has("text")) text.append(output.get("text").isArray() ? joined(output.get("text"))
            : output.get("text").asText());
      }
      assertEquals(shows, images, notebook + " cell " + cell.get("id") + " calls Notebook.show " + shows
          + " times but shows " + images + " images");
      charts += images;
    }
    assertTrue(charts >= 1, notebook + " draws no chart");
    if (notebook.getFileName().toString().startsWith("02")) {
      // live per-epoch progress of the training cell
      assertTrue(text.toString().contains("epoch 1/15"), "no per-epoch progress line in " + notebook);
    }
  }

  private static String joined(JsonNode lines) {
    StringBuilder s = new StringBuilder();
    lines.forEach(l -> s.append(l.asText()));
    return s.toString();
  }
}
