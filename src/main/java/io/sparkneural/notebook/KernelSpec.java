package io.sparkneural.notebook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkneural.network.BlasKernels;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the Jupyter kernel spec ({@code <dir>/kernels/spark-neural-java/kernel.json}) that starts {@link
 * JShellKernel} with a given class path and JVM flags. Jupyter finds it under {@code <dir>} when {@code <dir>} is
 * one of its data folders ({@code ~/.local/share/jupyter}, or any folder named in {@code JUPYTER_PATH}).
 */
public final class KernelSpec {
  /** The kernel's name in {@code jupyter kernelspec list} and in each notebook's metadata. */
  public static final String NAME = "spark-neural-java";

  private KernelSpec() {}

  /**
   * @param dataDir   a Jupyter data folder
   * @param classPath the kernel's class path: spark-neural (jar or classes folder) and its runtime dependencies
   * @param jvmFlags  JVM options, e.g. Spark's {@code --add-opens} list and {@code -Xmx}
   * @return the kernel.json written
   */
  public static Path write(Path dataDir, List<String> classPath, List<String> jvmFlags) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(jvmFlags);
    argv.add("-Djava.awt.headless=true");
    argv.add("-cp");
    argv.add(String.join(File.pathSeparator, classPath));
    argv.add(JShellKernel.class.getName());
    argv.add("{connection_file}");
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("argv", argv);
    spec.put("display_name", "Java (spark-neural)");
    spec.put("language", "java");
    spec.put("interrupt_mode", "message");
    // one ND4J/OpenBLAS thread per Spark task, as in the project's jobs and tests; OpenBLAS's AVX-512 kernels where
    // the CPU has them (the kernel runs on this machine), as conf/openblas-env.sh sets them for the jobs
    Map<String, String> env = new LinkedHashMap<>();
    env.put("OMP_NUM_THREADS", "1");
    env.putAll(BlasKernels.environment());
    spec.put("env", env);
    Path dir = dataDir.resolve("kernels").resolve(NAME);
    Files.createDirectories(dir);
    Path file = dir.resolve("kernel.json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), spec);
    return file;
  }

  /**
   * The flags of this JVM that a kernel needs too (memory, {@code --add-opens}, system properties), with relative
   * file paths in {@code -D...=path} made absolute, so the kernel can start from any folder.
   */
  static List<String> inheritedFlags() {
    List<String> flags = new ArrayList<>();
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("-agentlib") || arg.startsWith("-javaagent")) continue; // a debugger or profiler of this JVM
      int eq = arg.indexOf('=');
      if (arg.startsWith("-D") && eq > 0 && arg.endsWith(".properties")) {
        Path value = Path.of(arg.substring(eq + 1));
        if (!value.isAbsolute() && Files.exists(value)) {
          arg = arg.substring(0, eq + 1) + value.toAbsolutePath();
        }
      }
      flags.add(arg);
    }
    return flags;
  }

  /**
   * {@code KernelSpec <jupyter data dir> [--jar <spark-neural jar>] [--log-config <log4j2 properties>]}: writes
   * the kernel spec with this JVM's flags and class path, the jar (when given) in place of the classes folder and
   * the log configuration (when given) in place of this JVM's. Run by {@code notebooks/install-kernel.sh}.
   */
  public static void main(String[] args) throws IOException {
    String usage = "usage: KernelSpec <jupyter data dir> [--jar <spark-neural jar>] [--log-config <file>]";
    if (args.length < 1 || args.length % 2 == 0) {
      System.err.println(usage);
      System.exit(2);
    }
    String jar = null;
    String logConfig = null;
    for (int i = 1; i < args.length; i += 2) {
      if (args[i].equals("--jar")) {
        jar = Path.of(args[i + 1]).toAbsolutePath().toString();
      } else if (args[i].equals("--log-config")) {
        logConfig = Path.of(args[i + 1]).toAbsolutePath().toString();
      } else {
        System.err.println("unknown option " + args[i] + "; " + usage);
        System.exit(2);
      }
    }
    List<String> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.isEmpty()) continue;
      Path p = Path.of(entry).toAbsolutePath();
      boolean ownClasses = Files.isDirectory(p) && p.endsWith(Path.of("target", "classes"));
      classPath.add(ownClasses && jar != null ? jar : p.toString());
    }
    List<String> flags = inheritedFlags();
    if (logConfig != null) {
      flags.removeIf(f -> f.startsWith("-Dlog4j2.configurationFile="));
      flags.add("-Dlog4j2.configurationFile=" + logConfig);
    }
    Path file = write(Path.of(args[0]).toAbsolutePath(), classPath, flags);
    System.out.println("kernel spec written: " + file);
  }
}
