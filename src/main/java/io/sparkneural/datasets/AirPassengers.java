package io.sparkneural.datasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The classic airline passengers series (R's {@code datasets::AirPassengers}, bundled; source in
 * {@code airpassengers.txt} beside it): monthly totals of international airline passengers, in thousands, from
 * January 1949 to December 1960.
 */
public final class AirPassengers {
  /** 144 months. */
  public static final int MONTHS = 144;
  private static final String RESOURCE = "/io/sparkneural/datasets/airpassengers.csv";

  private AirPassengers() {}

  /** The 144 monthly values, oldest first. */
  public static double[] values() {
    List<String[]> rows = rows();
    double[] values = new double[rows.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = Double.parseDouble(rows.get(i)[1]);
    }
    return values;
  }

  private static List<String[]> rows() {
    try (InputStream in = AirPassengers.class.getResourceAsStream(RESOURCE);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      List<String[]> rows = new ArrayList<>();
      for (String line : reader.lines().skip(1).toList()) {
        if (!line.isBlank()) rows.add(line.strip().split(","));
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled series " + RESOURCE, e);
    }
  }
}
