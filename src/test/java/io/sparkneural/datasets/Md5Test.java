package io.sparkneural.datasets;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Md5Test {
  private static final String ABC_MD5 = "900150983cd24fb0d6963f7d28e17f72";

  @TempDir Path dir;

  @Test
  void digestsAFile() throws IOException {
    Path file = IdxFixtures.writeBytes(dir.resolve("abc"), "abc".getBytes(StandardCharsets.US_ASCII));
    assertEquals(ABC_MD5, Md5.of(file));
    assertTrue(Md5.matches(file, ABC_MD5.toUpperCase()));
    assertDoesNotThrow(() -> Md5.verify(file, ABC_MD5));
  }

  @Test
  void mismatchNamesFileExpectedAndActualDigest() throws IOException {
    Path file = IdxFixtures.writeBytes(dir.resolve("train-labels-idx1-ubyte"), "abc".getBytes(StandardCharsets.US_ASCII));
    IOException e = assertThrows(IOException.class, () -> Md5.verify(file, "a25bea736e30d166cdddb491f175f624"));
    assertEquals("MD5 mismatch for train-labels-idx1-ubyte: expected a25bea736e30d166cdddb491f175f624 but got "
        + ABC_MD5 + " (corrupted or a different version of the file)", e.getMessage());
    assertFalse(Md5.matches(file, "a25bea736e30d166cdddb491f175f624"));
  }

  @Test
  void missingFileDoesNotMatch() throws IOException {
    assertFalse(Md5.matches(dir.resolve("absent"), ABC_MD5));
  }
}
