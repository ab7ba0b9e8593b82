package io.sparkneural.benchmark;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class PlainSideBySideTest {
  @Test
  void theCopiesShardsCoverEveryRowOnce() {
    for (int rows : new int[]{0, 1, 5, 41, 60000}) {
      for (int copies = 1; copies <= 4; copies++) {
        int[] seen = new int[rows];
        for (int c = 0; c < copies; c++) {
          int[] shard = PlainDl4j.shard(rows, copies, c);
          assertTrue(shard.length == rows / copies || shard.length == rows / copies + 1,
              "copy " + c + " of " + copies + " over " + rows + " rows got " + shard.length);
          for (int row : shard) {
            assertEquals(c, row % copies, "row " + row + " belongs to copy " + row % copies + ", not " + c);
            seen[row]++;
          }
        }
        for (int row = 0; row < rows; row++) {
          assertEquals(1, seen[row], "row " + row + " of " + rows + " with " + copies + " copies");
        }
      }
    }
  }

  @Test
  void twoCopiesTrainSideBySideAndCountEveryRow() {
    MnistData.Arrays2d train = randomRows(41, 1);
    MnistData.Arrays2d test = randomRows(20, 2);
    int threadsBefore = Nd4jThreads.current();
    TrainingRun run = PlainDl4j.trainSideBySide("dense(16, relu) dense(10, softmax)", train, test, 2, 8, 1e-3, 7, 2);
    assertEquals("plain DL4J", run.contender());
    assertTrue(run.setting().startsWith("2 trainings side by side, 1 thread each, batch 8"), run.setting());
    assertEquals(41, run.rows(), "samples/s counts both copies' rows");
    assertEquals(2, run.curve().size());
    assertTrue(run.curve().get(1).wallSeconds() > run.curve().get(0).wallSeconds());
    assertTrue(run.testAccuracy() >= 0 && run.testAccuracy() <= 1, "accuracy " + run.testAccuracy());
    assertTrue(run.samplesPerSecond() > 0);
    assertEquals(threadsBefore, Nd4jThreads.current(), "ND4J's thread count is restored");
  }

  private static MnistData.Arrays2d randomRows(int rows, long seed) {
    Random random = new Random(seed);
    float[] x = new float[rows * 784];
    int[] labels = new int[rows];
    for (int i = 0; i < x.length; i++) x[i] = random.nextFloat();
    for (int i = 0; i < rows; i++) labels[i] = random.nextInt(10);
    return new MnistData.Arrays2d(x, labels, rows, 784);
  }
}
