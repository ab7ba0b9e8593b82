package io.sparkneural.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFileTest {
  @TempDir Path dir;

  @Test
  void readsImagesHeader() throws IOException {
    Path file = IdxFixtures.writeImages(dir.resolve("images"), 5, 28, 28);
    IdxFile.Header header = IdxFile.readHeader(file, IdxFile.IMAGES_MAGIC);
    assertEquals(2051, header.magic());
    assertArrayEquals(new int[] {5, 28, 28}, header.dims());
    assertEquals(5, header.count());
    assertEquals(16, header.headerBytes());
    assertEquals(784, header.recordBytes());
    assertEquals(16 + 2 * 784, header.offsetOf(2));
    assertEquals(16 + 5 * 784, header.expectedLength());
    assertEquals("5x28x28", header.shape());
  }

  @Test
  void readsLabelsHeader() throws IOException {
    Path file = IdxFixtures.writeLabels(dir.resolve("labels"), 7);
    IdxFile.Header header = IdxFile.readHeader(file, IdxFile.LABELS_MAGIC);
    assertEquals(2049, header.magic());
    assertEquals(7, header.count());
    assertEquals(8, header.headerBytes());
    assertEquals(1, header.recordBytes());
    assertEquals(8 + 3, header.offsetOf(3));
  }

  @Test
  void rejectsBadMagic() throws IOException {
    Path file = IdxFixtures.writeBytes(dir.resolve("notes.txt"), "hello, world".getBytes());
    IOException e = assertThrows(IOException.class, () -> IdxFile.readHeader(file, IdxFile.IMAGES_MAGIC));
    assertEquals("notes.txt is not an IDX file: magic number 1751477356 (0x68656c6c), expected 2051 for images.",
        e.getMessage());
  }

  @Test
  void saysWhenAFileIsStillGzipped() throws IOException {
    Path file = IdxFixtures.writeBytes(dir.resolve("train-images-idx3-ubyte.gz"),
        new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
    IOException e = assertThrows(IOException.class, () -> IdxFile.readHeader(file, IdxFile.IMAGES_MAGIC));
    assertEquals("train-images-idx3-ubyte.gz is not an IDX file: magic number 529205248 (0x1f8b0800), "
        + "expected 2051 for images. It looks gzip-compressed: unpack it first.", e.getMessage());
  }

  @Test
  void saysWhenLabelsAreGivenForImages() throws IOException {
    Path file = IdxFixtures.writeLabels(dir.resolve("train-labels-idx1-ubyte"), 3);
    IOException e = assertThrows(IOException.class, () -> IdxFile.readHeader(file, IdxFile.IMAGES_MAGIC));
    assertEquals("train-labels-idx1-ubyte is an IDX file of labels (magic number 2049), "
        + "expected magic number 2051 for images", e.getMessage());
  }

  @Test
  void rejectsTruncatedData() throws IOException {
    Path file = IdxFixtures.writeImages(dir.resolve("train-images-idx3-ubyte"), 3, 28, 28);
    IdxFixtures.truncate(file, 1000);
    IOException e = assertThrows(IOException.class, () -> IdxFile.readHeader(file, IdxFile.IMAGES_MAGIC));
    assertEquals("train-images-idx3-ubyte is truncated: its header announces 2368 bytes (3x28x28) "
        + "but the file has 1000 bytes", e.getMessage());
  }

  @Test
  void rejectsTruncatedHeader() throws IOException {
    Path file = IdxFixtures.writeImages(dir.resolve("t10k-images-idx3-ubyte"), 3, 28, 28);
    IdxFixtures.truncate(file, 10);
    IOException e = assertThrows(IOException.class, () -> IdxFile.readHeader(file, IdxFile.IMAGES_MAGIC));
    assertEquals("t10k-images-idx3-ubyte is truncated: it ends inside the IDX header (10 of 16 bytes)",
        e.getMessage());
  }

  @Test
  void rejectsTinyFile() throws IOException {
    Path file = IdxFixtures.writeBytes(dir.resolve("empty"), new byte[0]);
    IOException e = assertThrows(IOException.class, () -> IdxFile.readHeader(file, IdxFile.LABELS_MAGIC));
    assertEquals("empty is not an IDX file: it has only 0 bytes", e.getMessage());
  }

  @Test
  void rejectsTrailingBytes() throws IOException {
    Path file = IdxFixtures.writeLabels(dir.resolve("labels"), 2);
    byte[] longer = java.util.Arrays.copyOf(java.nio.file.Files.readAllBytes(file), 12);
    IdxFixtures.writeBytes(file, longer);
    IOException e = assertThrows(IOException.class, () -> IdxFile.readHeader(file, IdxFile.LABELS_MAGIC));
    assertEquals("labels is not a valid IDX file: its header announces 10 bytes (2) but the file has 12 bytes",
        e.getMessage());
  }

  @Test
  void rejectsEmptyImageDimension() throws IOException {
    Path file = IdxFixtures.writeImages(dir.resolve("images"), 0, 0, 28);
    IOException e = assertThrows(IOException.class, () -> IdxFile.readHeader(file, IdxFile.IMAGES_MAGIC));
    assertEquals("images is not a valid IDX file: dimension 1 has size 0", e.getMessage());
  }
}
