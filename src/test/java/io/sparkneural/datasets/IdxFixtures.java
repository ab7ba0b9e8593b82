package io.sparkneural.datasets;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small IDX files for tests: images whose pixels and labels follow from their index. */
final class IdxFixtures {
  private IdxFixtures() {}

  /** The value of pixel {@code p} of image {@code i} in the generated files. */
  static int pixel(int i, int p) {
    return (i * 7 + p * 3) % 256;
  }

  /** The label of image {@code i} in the generated files. */
  static int label(int i) {
    return (i * 3 + 1) % 10;
  }

  /** Writes an images file of {@code count} images of rows x cols pixels, {@link #pixel(int, int)} each. */
  static Path writeImages(Path file, int count, int rows, int cols) throws IOException {
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
      out.writeInt(IdxFile.IMAGES_MAGIC);
      out.writeInt(count);
      out.writeInt(rows);
      out.writeInt(cols);
      for (int i = 0; i < count; i++) {
        for (int p = 0; p < rows * cols; p++) {
          out.writeByte(pixel(i, p));
        }
      }
    }
    return file;
  }

  /** Writes a labels file of {@code count} labels, {@link #label(int)} each. */
  static Path writeLabels(Path file, int count) throws IOException {
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
      out.writeInt(IdxFile.LABELS_MAGIC);
      out.writeInt(count);
      for (int i = 0; i < count; i++) {
        out.writeByte(label(i));
      }
    }
    return file;
  }

  /** Writes raw bytes. */
  static Path writeBytes(Path file, byte[] bytes) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(bytes);
    }
    return file;
  }

  /** Cuts a file to its first {@code length} bytes. */
  static Path truncate(Path file, long length) throws IOException {
    byte[] all = Files.readAllBytes(file);
    byte[] cut = new byte[(int) length];
    System.arraycopy(all, 0, cut, 0, cut.length);
    return writeBytes(file, cut);
  }
}
