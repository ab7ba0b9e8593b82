package io.sparkneural.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Jupyter for the notebook tests: installed by the project's script, with the kernel spec on the test class path. */
final class NotebookTools {
  static final Path JUPYTER_DIR = Path.of("target", "jupyter").toAbsolutePath();

  private NotebookTools() {}

  /** Installs Jupyter when missing (notebooks/install-jupyter.sh) and writes the kernel spec under target/jupyter. */
  static void prepare() throws Exception {
    Result install = run(List.of("bash", "notebooks/install-jupyter.sh"), Map.of(), 900);
    assertEquals(0, install.exitCode, "notebooks/install-jupyter.sh failed:\n" + install.output);
    List<String> flags = KernelSpec.inheritedFlags();
    flags.removeIf(f -> f.startsWith("-Dlog4j2.configurationFile=") || f.startsWith("-XX:ErrorFile"));
    flags.add("-Dlog4j2.configurationFile=" + Path.of("notebooks", "log4j2.properties").toAbsolutePath());
    flags.add("-XX:ErrorFile=" + Path.of("target", "hs_err_pid%p.log").toAbsolutePath());
    KernelSpec.write(JUPYTER_DIR, classPath(), flags);
  }

  /** The test class path: under Surefire, java.class.path is a jar whose manifest names it. */
  static List<String> classPath() {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> entries = new ArrayList<>(Arrays.asList(cp.split(File.pathSeparator)));
    entries.removeIf(String::isEmpty);
    return entries;
  }

  static final class Result {
    final int exitCode;
    final String output;

    Result(int exitCode, String output) {
      this.exitCode = exitCode;
      this.output = output;
    }
  }

  /** Runs a command in the project folder with Jupyter finding our kernel; output is stdout and stderr together. */
  static Result run(List<String> command, Map<String, String> env, long timeoutSeconds) throws IOException,
      InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("JUPYTER_PATH", JUPYTER_DIR.toString());
    pb.environment().putAll(env);
    Path log = Files.createTempFile("notebook-run", ".log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!done) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    assertTrue(done, String.join(" ", command) + " did not finish in " + timeoutSeconds + " s:\n" + tail(output));
    return new Result(p.exitValue(), output);
  }

  static String tail(String text) {
    return text.length() <= 6000 ? text : "...\n" + text.substring(text.length() - 6000);
  }
}
