package io.sparkneural.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** MD5 digests of files, to check that a downloaded or cached file is exactly the expected one. */
public final class Md5 {
  private Md5() {}

  /** The MD5 digest of a file's content, as 32 lower-case hex digits. */
  public static String of(Path file) throws IOException {
    MessageDigest md5 = newDigest();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        md5.update(buffer, 0, n);
      }
    }
    return hex(md5);
  }

  /** True when the file exists and its MD5 digest is {@code expectedHex} (case-insensitive). */
  public static boolean matches(Path file, String expectedHex) throws IOException {
    return Files.isRegularFile(file) && of(file).equalsIgnoreCase(expectedHex);
  }

  /**
   * Checks a file's MD5 digest.
   *
   * @throws IOException naming the file, the expected and the actual digest when they differ
   */
  public static void verify(Path file, String expectedHex) throws IOException {
    String actual = of(file);
    if (!actual.equalsIgnoreCase(expectedHex)) {
      throw mismatch(file.getFileName().toString(), expectedHex, actual);
    }
  }

  /** The error for a file whose digest is not the expected one. */
  static IOException mismatch(String fileName, String expectedHex, String actualHex) {
    return new IOException(String.format(Locale.ROOT,
        "MD5 mismatch for %s: expected %s but got %s (corrupted or a different version of the file)",
        fileName, expectedHex.toLowerCase(Locale.ROOT), actualHex));
  }

  /** A new MD5 digest; every Java platform has one. */
  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java runtime has no MD5 digest", e);
    }
  }

  /** The digest's value as 32 lower-case hex digits (completes the digest). */
  static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }
}
