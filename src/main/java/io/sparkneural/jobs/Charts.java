package io.sparkneural.jobs;

import io.sparkneural.notebook.Plots;
import io.sparkneural.train.EpochRecord;
import java.io.IOException;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;

/** The training curves and the confusion matrix as PNG images (XChart, rendered headless). */
final class Charts {
  private Charts() {}

  /** One metric and its val_ counterpart, per epoch; null when no epoch recorded it. */
  static byte[] curve(List<EpochRecord> history, String metric, String title) throws IOException {
    boolean any = history.stream().anyMatch(r -> finite(r.metrics().get(metric)) || finite(r.metrics().get("val_" + metric)));
    if (!any) return null;
    var chart = Plots.history(history, metric);
    chart.setTitle(title);
    return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
  }

  private static boolean finite(Double v) {
    return v != null && Double.isFinite(v);
  }

  /** Counts per (true class, predicted class). */
  static byte[] confusion(long[][] counts, List<String> labels) throws IOException {
    var chart = Plots.confusion(counts, labels);
    chart.setTitle("Confusion matrix (test)");
    return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
  }
}
