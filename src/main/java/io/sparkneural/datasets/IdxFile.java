package io.sparkneural.datasets;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The header of an IDX file, the format MNIST is distributed in: a 4-byte big-endian magic number whose third
 * byte is the element type and fourth byte the number of dimensions, one 4-byte big-endian size per dimension,
 * then the elements in row-major order. Only unsigned-byte files are read here (type 0x08): images
 * ({@value #IMAGES_MAGIC}, 3 dimensions) and labels ({@value #LABELS_MAGIC}, 1 dimension).
 *
 * <p>{@link #readHeader} checks the magic number and the dimensions and that the file's length is exactly what
 * the header announces, so that a wrong, still-compressed or truncated file fails with a message naming it
 * instead of yielding garbage.
 */
public final class IdxFile {
  /** Magic number of an IDX file of unsigned bytes with 3 dimensions (MNIST images: count x rows x columns). */
  public static final int IMAGES_MAGIC = 0x0803;
  /** Magic number of an IDX file of unsigned bytes with 1 dimension (MNIST labels: count). */
  public static final int LABELS_MAGIC = 0x0801;

  private static final int GZIP_MAGIC = 0x1f8b;

  /**
   * A validated IDX header.
   *
   * @param fileName the file's name, for messages
   * @param magic the magic number ({@link #IMAGES_MAGIC} or {@link #LABELS_MAGIC})
   * @param dims the size of each dimension; {@code dims[0]} is the number of records
   */
  public record Header(String fileName, int magic, int[] dims) {
    /** Copies {@code dims}, so that a header cannot change after validation. */
    public Header {
      dims = dims.clone();
    }

    /** A copy of the dimension sizes. */
    @Override
    public int[] dims() {
      return dims.clone();
    }

    /** The number of records (images or labels): the first dimension. */
    public int count() {
      return dims[0];
    }

    /** Bytes before the first record: the magic number and one size per dimension. */
    public long headerBytes() {
      return 4L + 4L * dims.length;
    }

    /** Bytes per record: the product of every dimension but the first (1 for labels, 784 for 28x28 images). */
    public int recordBytes() {
      long bytes = 1;
      for (int i = 1; i < dims.length; i++) {
        bytes *= dims[i];
      }
      return (int) bytes;
    }

    /** The byte offset of record {@code index} (0-based) in the file. */
    public long offsetOf(long index) {
      return headerBytes() + index * recordBytes();
    }

    /** The length the file must have: header plus all records. */
    public long expectedLength() {
      return offsetOf(count());
    }

    /** The dimensions written as e.g. {@code 60000x28x28}. */
    public String shape() {
      return Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining("x"));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Header h && h.magic == magic && h.fileName.equals(fileName) && Arrays.equals(h.dims, dims);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * fileName.hashCode() + magic) + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s: IDX magic %d, %s", fileName, magic, shape());
    }
  }

  private IdxFile() {}

  /**
   * Reads and validates the header of a local IDX file.
   *
   * @param expectedMagic {@link #IMAGES_MAGIC} or {@link #LABELS_MAGIC}
   * @throws IOException naming the file when it is not an IDX file of the expected kind, or is truncated
   */
  public static Header readHeader(Path file, int expectedMagic) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return readHeader(in, file.getFileName().toString(), Files.size(file), expectedMagic);
    }
  }

  /**
   * Reads and validates an IDX header from the start of a stream (the stream is left just after the header).
   *
   * @param in the file's content, positioned at its first byte
   * @param fileName the file's name, for messages
   * @param fileLength the file's total length in bytes, to detect truncated or over-long files
   * @param expectedMagic {@link #IMAGES_MAGIC} or {@link #LABELS_MAGIC}
   * @throws IOException naming the file when it is not an IDX file of the expected kind, or is truncated
   */
  public static Header readHeader(InputStream in, String fileName, long fileLength, int expectedMagic)
      throws IOException {
    int expectedDims = expectedMagic & 0xff;
    if (fileLength < 4) {
      throw new IOException(String.format(Locale.ROOT,
          "%s is not an IDX file: it has only %d bytes", fileName, fileLength));
    }
    DataInputStream data = new DataInputStream(in);
    int magic = data.readInt();
    if (magic != expectedMagic) {
      throw new IOException(badMagic(fileName, magic, expectedMagic));
    }
    long headerBytes = 4L + 4L * expectedDims;
    if (fileLength < headerBytes) {
      throw new IOException(String.format(Locale.ROOT,
          "%s is truncated: it ends inside the IDX header (%d of %d bytes)", fileName, fileLength, headerBytes));
    }
    int[] dims = new int[expectedDims];
    try {
      for (int i = 0; i < dims.length; i++) {
        dims[i] = data.readInt();
        if (dims[i] < 0 || (i > 0 && dims[i] == 0)) {
          throw new IOException(String.format(Locale.ROOT,
              "%s is not a valid IDX file: dimension %d has size %d", fileName, i, dims[i]));
        }
      }
    } catch (EOFException e) {
      throw new IOException(String.format(Locale.ROOT,
          "%s is truncated: it ends inside the IDX header", fileName), e);
    }
    Header header = new Header(fileName, magic, dims);
    long expectedLength = header.expectedLength();
    if (fileLength < expectedLength) {
      throw new IOException(String.format(Locale.ROOT,
          "%s is truncated: its header announces %d bytes (%s) but the file has %d bytes",
          fileName, expectedLength, header.shape(), fileLength));
    }
    if (fileLength > expectedLength) {
      throw new IOException(String.format(Locale.ROOT,
          "%s is not a valid IDX file: its header announces %d bytes (%s) but the file has %d bytes",
          fileName, expectedLength, header.shape(), fileLength));
    }
    return header;
  }

  private static String badMagic(String fileName, int magic, int expectedMagic) {
    String expected = String.format(Locale.ROOT, "%d for %s", expectedMagic, kind(expectedMagic));
    if (magic == IMAGES_MAGIC || magic == LABELS_MAGIC) {
      return String.format(Locale.ROOT, "%s is an IDX file of %s (magic number %d), expected magic number %s",
          fileName, kind(magic), magic, expected);
    }
    String hint = (magic >>> 16) == GZIP_MAGIC ? " It looks gzip-compressed: unpack it first." : "";
    return String.format(Locale.ROOT, "%s is not an IDX file: magic number %d (0x%08x), expected %s.%s",
        fileName, magic, magic, expected, hint);
  }

  private static String kind(int magic) {
    return switch (magic) {
      case IMAGES_MAGIC -> "images";
      case LABELS_MAGIC -> "labels";
      default -> "unsigned bytes with " + (magic & 0xff) + " dimensions";
    };
  }
}
