package io.sparkneural.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java kernel over the real Jupyter protocol (jupyter_client): values, live output while a cell runs, inline
 * images, and errors that read like Java's.
 */
class KernelProtocolTest {
  private static JsonNode cells;

  @BeforeAll
  static void runCells() throws Exception {
    NotebookTools.prepare();
    List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "src/test/resources/notebook/kernel_protocol.py",
        "int x = 20;\nx + 22",
        "System.out.println(\"first\"); Thread.sleep(2000); System.out.println(\"second\");",
        "var chart = new XYChartBuilder().width(200).height(150).build();\n"
            + "chart.addSeries(\"s\", new double[] {1, 2}, new double[] {3, 4});\nNotebook.show(chart);",
        "int broken = \"text\";",
        "new NeuralClassifier().setEpochs(0);",
        "System.out.printf(\"%d%n\", x);",
        "x",
        "SparkSession spark = SparkSession.builder().master(\"local[2]\").config(\"spark.ui.enabled\", \"false\")"
            + ".getOrCreate();\n"
            + "List<Row> rows = new ArrayList<>();\n"
            + "for (int i = 0; i < 512; i++) rows.add(RowFactory.create(Vectors.dense(i % 2, 1 - i % 2), (double) (i % 2)));\n"
            + "Dataset<Row> data = spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType()"
            + ".add(\"features\", new VectorUDT()).add(\"label\", \"double\"));\n"
            + "new NeuralClassifier().setLayers(\"dense(4, relu) dense(2, softmax)\").setEpochs(2).setBatchSize(8)"
            + ".setAveragingFrequency(2).setNumWorkers(2).fit(data);",
        "class Holder { Missing m; }"));
    NotebookTools.Result r = NotebookTools.run(command, Map.of(), 300);
    assertEquals(0, r.exitCode, NotebookTools.tail(r.output));
    String json = r.output.substring(r.output.lastIndexOf("RESULT ") + "RESULT ".length()).strip();
    cells = new ObjectMapper().readTree(json);
  }

  @Test
  void aCellShowsTheValueOfItsLastExpression() {
    assertEquals("ok", cells.get(0).get("status").asText());
    assertEquals("42", cells.get(0).get("results").get(0).get("text/plain").asText());
  }

  @Test
  void outputReachesTheNotebookWhileTheCellRuns() {
    JsonNode streams = cells.get(1).get("streams");
    double first = -1;
    double second = -1;
    for (JsonNode s : streams) {
      if (s.get("text").asText().contains("first")) first = s.get("t").asDouble();
      if (s.get("text").asText().contains("second")) second = s.get("t").asDouble();
    }
    assertTrue(first >= 0 && second >= 0, "both lines arrive: " + streams);
    assertTrue(second - first > 1.5, "the first line arrives before the 2 s sleep ends, not with the second: " + streams);
  }

  @Test
  void notebookShowSendsAPng() {
    assertEquals("[[\"image/png\",\"text/plain\"]]", cells.get(2).get("displays").toString());
  }

  @Test
  void compileErrorsNameTheProblemAndTheCode() {
    String traceback = failure(3);
    assertTrue(traceback.contains("incompatible types: java.lang.String cannot be converted to int"), traceback);
    assertTrue(traceback.contains("int broken = \\\"text\\\";"), traceback);
  }

  @Test
  void exceptionsFromTheLibraryKeepTheirMessage() {
    String traceback = failure(4);
    assertTrue(traceback.contains("java.lang.IllegalArgumentException"), traceback);
    assertTrue(traceback.contains("epochs"), traceback);
  }

  @Test
  void trainingDrawsABarOverEachEpochsRoundsWhileItRuns() {
    JsonNode cell = cells.get(7);
    assertEquals("ok", cell.get("status").asText(), cell.toString());
    int bars = 0;
    boolean epochLine = false;
    for (JsonNode s : cell.get("streams")) {
      String text = s.get("text").asText();
      if (text.matches("(?s)\\r\\S+ epoch 1/2 \\[=* *\\] \\d+/\\d+")) bars++;
      epochLine |= text.contains("epoch 2/2 - ");
    }
    assertTrue(bars >= 2, "a redrawn bar per averaging round of epoch 1: " + cell.get("streams"));
    assertTrue(epochLine, "the epoch's line: " + cell.get("streams"));
  }

  @Test
  void aDeclarationThatCannotBeUsedYetIsAnErrorThatNamesWhatIsMissing() {
    String traceback = failure(8);
    assertTrue(traceback.contains("refers to undefined class Missing"), traceback);
  }

  /** The traceback of a cell that must have failed. */
  private static String failure(int cell) {
    assertEquals("error", cells.get(cell).get("status").asText());
    return cells.get(cell).get("errors").get(0).get("traceback").toString();
  }

  @Test
  void aStatementEndingInSemicolonShowsNoValueAndLaterCellsStillRun() {
    assertEquals("[]", cells.get(5).get("results").toString());
    assertEquals("20", cells.get(5).get("streams").get(0).get("text").asText().strip());
    assertEquals("20", cells.get(6).get("results").get(0).get("text/plain").asText());
  }
}
