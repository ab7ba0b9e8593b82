package io.sparkneural.notebook;

import io.sparkneural.ml.NeuralTrainingSummary;
import io.sparkneural.train.EpochRecord;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The charts a training run asks for, as XChart charts (show them with {@link Notebook#show}, or save them with
 * XChart's {@code BitmapEncoder}).
 */
public final class Plots {
  private Plots() {}

  /** A metric and its {@code val_} counterpart per epoch, e.g. {@code history(model.summary(), "loss")}. */
  public static XYChart history(NeuralTrainingSummary summary, String metric) {
    return history(summary.epochRecords(), metric);
  }

  /**
   * A metric and its {@code val_} counterpart per epoch.
   *
   * @throws IllegalArgumentException when no epoch recorded the metric; the message lists those recorded
   */
  public static XYChart history(List<EpochRecord> history, String metric) {
    Map<String, List<EpochRecord>> one = new LinkedHashMap<>();
    one.put("", history);
    XYChart chart = curves(one, List.of(metric, "val_" + metric), metric + " per epoch", metric);
    if (chart.getSeriesMap().isEmpty()) {
      throw new IllegalArgumentException("no epoch recorded the metric '" + metric + "'; recorded: "
          + recorded(history));
    }
    return chart;
  }

  /**
   * One metric of several runs side by side, e.g. {@code val_loss} with and without regularization: a series per
   * run, named by the map's keys.
   */
  public static XYChart compare(Map<String, List<EpochRecord>> runs, String metric) {
    XYChart chart = curves(runs, List.of(metric), metric + " per epoch", metric);
    for (Map.Entry<String, List<EpochRecord>> run : runs.entrySet()) {
      if (!chart.getSeriesMap().containsKey(run.getKey())) {
        throw new IllegalArgumentException("run '" + run.getKey() + "' recorded no metric '" + metric
            + "'; recorded: " + recorded(run.getValue()));
      }
    }
    return chart;
  }

  private static XYChart curves(Map<String, List<EpochRecord>> runs, List<String> metrics, String title,
      String yTitle) {
    XYChart chart = new XYChartBuilder().width(640).height(400).title(title).xAxisTitle("epoch").yAxisTitle(yTitle)
        .build();
    for (Map.Entry<String, List<EpochRecord>> run : runs.entrySet()) {
      for (String metric : metrics) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (EpochRecord r : run.getValue()) {
          Double v = r.metrics().get(metric);
          if (v != null && Double.isFinite(v)) {
            x.add((double) r.epoch());
            y.add(v);
          }
        }
        if (!x.isEmpty()) {
          String name = run.getKey().isEmpty() ? metric : run.getKey();
          chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
        }
      }
    }
    return chart;
  }

  private static TreeSet<String> recorded(List<EpochRecord> history) {
    TreeSet<String> names = new TreeSet<>();
    for (EpochRecord r : history) {
      names.addAll(r.metrics().keySet());
    }
    return names;
  }

  /**
   * Counts per (true class, predicted class) of a scored data set; labels and predictions are class indices, as
   * the classifier's {@code labelCol} and {@code predictionCol} hold them. Rows outside [0, classes) are not
   * counted.
   */
  public static long[][] confusionCounts(Dataset<Row> scored, String labelCol, String predictionCol, int classes) {
    long[][] counts = new long[classes][classes];
    for (Row r : scored.groupBy(labelCol, predictionCol).count().collectAsList()) {
      if (r.isNullAt(0) || r.isNullAt(1)) continue;
      int t = (int) ((Number) r.get(0)).doubleValue();
      int p = (int) ((Number) r.get(1)).doubleValue();
      if (t >= 0 && t < classes && p >= 0 && p < classes) {
        counts[t][p] += r.getLong(2);
      }
    }
    return counts;
  }

  /** A confusion matrix as a heat map with the counts written in, class 0 at the top. */
  public static HeatMapChart confusion(long[][] counts, List<String> labels) {
    int n = labels.size();
    if (counts.length != n) {
      throw new IllegalArgumentException("counts has " + counts.length + " rows but there are " + n + " labels");
    }
    HeatMapChart chart = new HeatMapChartBuilder().width(Math.max(480, 160 + 56 * n)).height(Math.max(400, 140 + 44 * n))
        .title("Confusion matrix").xAxisTitle("predicted").yAxisTitle("true").build();
    chart.getStyler().setShowValue(true);
    chart.getStyler().setLegendVisible(false);
    List<Number[]> cells = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      for (int p = 0; p < n; p++) {
        // heat map rows go bottom-up: put class 0 at the top, as a table reads
        cells.add(new Number[] {p, n - 1 - t, counts[t][p]});
      }
    }
    List<String> reversed = new ArrayList<>(labels);
    Collections.reverse(reversed);
    chart.addSeries("counts", labels, reversed, cells);
    return chart;
  }

  /** {@link #confusion(long[][], List)} with the class indices 0..n-1 as labels. */
  public static HeatMapChart confusion(long[][] counts) {
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      labels.add(Integer.toString(i));
    }
    return confusion(counts, labels);
  }

  /**
   * Grey-scale images side by side with a caption under each, e.g. misclassified digits.
   *
   * @param pixels one vector per image, row by row, 0 = black; the largest value of each image is white
   * @param height rows of each image (its width is {@code pixels.size() / height})
   * @param captions one per image
   * @param scale screen pixels per image pixel
   */
  public static BufferedImage images(List<Vector> pixels, int height, List<String> captions, int scale) {
    if (pixels.size() != captions.size()) {
      throw new IllegalArgumentException(pixels.size() + " images but " + captions.size() + " captions");
    }
    if (pixels.isEmpty()) {
      throw new IllegalArgumentException("no images to draw");
    }
    int size = pixels.get(0).size();
    if (height < 1 || size == 0 || size % height != 0) {
      throw new IllegalArgumentException("height " + height + " does not divide the image size " + size);
    }
    int width = size / height;
    int cell = Math.max(width * scale, 72);
    int captionHeight = 18;
    BufferedImage grid = new BufferedImage(cell * pixels.size(), height * scale + captionHeight,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = grid.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (int i = 0; i < pixels.size(); i++) {
      Vector v = pixels.get(i);
      if (v.size() != size) {
        throw new IllegalArgumentException("image " + i + " has " + v.size() + " values, the first has " + size);
      }
      double max = Math.max(maxOf(v), 1e-12);
      int x0 = i * cell + (cell - width * scale) / 2;
      for (int r = 0; r < height; r++) {
        for (int c = 0; c < width; c++) {
          int grey = (int) Math.round(255 * Math.max(0, Math.min(1, v.apply(r * width + c) / max)));
          g.setColor(new Color(grey, grey, grey));
          g.fillRect(x0 + c * scale, r * scale, scale, scale);
        }
      }
      g.setColor(Color.BLACK);
      g.drawString(captions.get(i), i * cell + 4, height * scale + captionHeight - 5);
    }
    g.dispose();
    return grid;
  }

  private static double maxOf(Vector v) {
    double max = Double.NEGATIVE_INFINITY;
    for (double d : v.toArray()) {
      max = Math.max(max, d);
    }
    return max;
  }
}
