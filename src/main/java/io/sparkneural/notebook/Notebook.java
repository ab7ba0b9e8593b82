package io.sparkneural.notebook;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Shows a chart or an image inline, wherever the code runs: as a {@code display_data} PNG in the
 * {@link JShellKernel Jupyter kernel}, and elsewhere (Zeppelin's Spark interpreter, spark-shell) as a
 * {@code %html} paragraph result that Zeppelin renders as the image.
 */
public final class Notebook {
  /** Where images go when a kernel is attached; null outside Jupyter. */
  interface ImageSink {
    void png(byte[] png, int width, int height);
  }

  private static volatile ImageSink sink;

  private Notebook() {}

  static void attach(ImageSink kernelSink) {
    sink = kernelSink;
  }

  /** Renders an XChart chart (XYChart, HeatMapChart, CategoryChart, ...) as a PNG and shows it. */
  public static void show(Chart<?, ?> chart) {
    if (chart == null) {
      throw new IllegalArgumentException("chart MUST not be null");
    }
    try {
      show(BitmapEncoder.getBufferedImage(chart));
    } catch (RuntimeException e) {
      throw new IllegalStateException("could not render the chart '" + chart.getTitle() + "': " + e, e);
    }
  }

  /** Shows an image, such as {@link Plots#images}. */
  public static void show(BufferedImage image) {
    if (image == null) {
      throw new IllegalArgumentException("image MUST not be null");
    }
    byte[] png = png(image);
    ImageSink s = sink;
    if (s != null) {
      s.png(png, image.getWidth(), image.getHeight());
    } else {
      // Zeppelin starts a new result of another type at a line that begins with %html
      System.out.println();
      System.out.println(html(png, image.getWidth(), image.getHeight()));
      System.out.flush();
    }
  }

  static String html(byte[] png, int width, int height) {
    return "%html <img width=\"" + width + "\" height=\"" + height + "\" src=\"data:image/png;base64,"
        + Base64.getEncoder().encodeToString(png) + "\"/>";
  }

  static byte[] png(BufferedImage image) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ImageIO.write(image, "png", bytes);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
