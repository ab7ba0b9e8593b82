package io.sparkneural.benchmark;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PlainMinibatchesTest {
  /** Five rows of width 3: row r holds r*10, r*10+1 and r*10+2; rows 0-4 have labels 7, 8, 9, 0 and 1. */
  private static MnistData.Arrays2d rows() {
    float[] x = new float[15];
    for (int i = 0; i < x.length; i++) x[i] = (i / 3) * 10 + i % 3;
    return new MnistData.Arrays2d(x, new int[]{7, 8, 9, 0, 1}, 5, 3);
  }

  @Test
  void cutsTheRowsInTheGivenOrderIntoArraysItRefills() {
    int[] order = {4, 0, 3, 1, 2};
    PlainDl4j.Minibatches batches = new PlainDl4j.Minibatches(rows(), order, 2);
    List<float[]> features = new ArrayList<>();
    List<float[]> labels = new ArrayList<>();
    List<DataSet> seen = new ArrayList<>();
    while (batches.hasNext()) {
      DataSet ds = batches.next();
      seen.add(ds);
      // copied now: the next call refills the same arrays
      features.add(ds.getFeatures().dup().data().asFloat());
      labels.add(ds.getLabels().dup().data().asFloat());
    }
    assertEquals(3, features.size());
    assertArrayEquals(new float[]{40, 41, 42, 0, 1, 2}, features.get(0));
    assertArrayEquals(new float[]{30, 31, 32, 10, 11, 12}, features.get(1));
    assertArrayEquals(new float[]{20, 21, 22}, features.get(2));
    float[] first = new float[20];
    first[1] = 1; // row 4: label 1
    first[10 + 7] = 1; // row 0: label 7
    assertArrayEquals(first, labels.get(0));
    float[] second = new float[20];
    second[0] = 1; // row 3: label 0, and nothing left of the first batch's ones
    second[10 + 8] = 1;
    assertArrayEquals(second, labels.get(1));
    assertEquals(1, labels.get(2)[9]);
    assertEquals(1, sum(labels.get(2)));
    assertSame(seen.get(0).getFeatures(), seen.get(1).getFeatures(), "full batches share one array");
    assertArrayEquals(new long[]{1, 3}, seen.get(2).getFeatures().shape());
    assertFalse(batches.asyncSupported(), "DL4J must not prefetch into arrays that are refilled");
  }

  private static float sum(float[] v) {
    float s = 0;
    for (float f : v) s += f;
    return s;
  }
}
