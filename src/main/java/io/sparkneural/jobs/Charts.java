package io.sparkneural.jobs;

import io.sparkneural.train.EpochRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The training curves and the confusion matrix as PNG images (XChart, rendered headless). */
final class Charts {
  private Charts() {}

  /** One metric and its val_ counterpart, per epoch; null when no epoch recorded it. */
  static byte[] curve(List<EpochRecord> history, String metric, String title) throws IOException {
    XYChart chart = new XYChartBuilder().width(640).height(400).title(title).xAxisTitle("epoch").yAxisTitle(metric)
        .build();
    boolean any = false;
    for (String name : List.of(metric, "val_" + metric)) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (EpochRecord r : history) {
        Double v = r.metrics().get(name);
        if (v != null && Double.isFinite(v)) {
          x.add((double) r.epoch());
          y.add(v);
        }
      }
      if (!x.isEmpty()) {
        chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
        any = true;
      }
    }
    return any ? BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG) : null;
  }

  /** Counts per (true class, predicted class). */
  static byte[] confusion(long[][] counts, List<String> labels) throws IOException {
    HeatMapChart chart = new HeatMapChartBuilder().width(Math.max(480, 160 + 56 * labels.size()))
        .height(Math.max(400, 140 + 44 * labels.size())).title("Confusion matrix (test)").xAxisTitle("predicted").yAxisTitle("true").build();
    chart.getStyler().setShowValue(true);
    chart.getStyler().setLegendVisible(false);
    List<Number[]> cells = new ArrayList<>();
    int n = labels.size();
    for (int t = 0; t < n; t++) {
      for (int p = 0; p < n; p++) {
        // heat map rows go bottom-up: put class 0 at the top, as a table reads
        cells.add(new Number[] {p, n - 1 - t, counts[t][p]});
      }
    }
    List<String> reversed = new ArrayList<>(labels);
    java.util.Collections.reverse(reversed);
    chart.addSeries("counts", labels, reversed, cells);
    return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
  }
}
