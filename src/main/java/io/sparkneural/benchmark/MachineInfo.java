package io.sparkneural.benchmark;

import io.sparkneural.network.BlasKernels;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The machine a report was measured on: CPU, cores, memory, operating system and Java. */
final class MachineInfo {
  private MachineInfo() {}

  /** One line per fact, as Markdown list items. */
  static List<String> describe() {
    Runtime runtime = Runtime.getRuntime();
    return List.of(
        "- CPU: " + cpuModel().orElse("unknown") + ", " + runtime.availableProcessors() + " cores available to the JVM",
        "- memory: " + memory().orElse("unknown") + String.format(Locale.ROOT, "; JVM heap max %.1f GiB",
            runtime.maxMemory() / (double) (1L << 30)) + heapCommitment(),
        "- OS: " + osRelease().orElse(System.getProperty("os.name")) + " (" + System.getProperty("os.name") + " "
            + System.getProperty("os.version") + ", " + System.getProperty("os.arch") + ")",
        "- Java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
            + System.getProperty("java.vendor") + "), as `java -version` reports it",
        "- threads: " + Nd4jThreads.describe(),
        "- OpenBLAS kernels: " + BlasKernels.describe());
  }

  /** Whether the heap was committed and touched at start: first touches of memory are dear on some VMs. */
  private static String heapCommitment() {
    List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments();
    return flags.contains("-XX:+AlwaysPreTouch") ? ", pre-touched at start (-XX:+AlwaysPreTouch)"
        : ", grown on demand";
  }

  private static Optional<String> cpuModel() {
    return field(Path.of("/proc/cpuinfo"), "model name");
  }

  private static Optional<String> memory() {
    return field(Path.of("/proc/meminfo"), "MemTotal").map(kb -> {
      try {
        return String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(kb.replace("kB", "").trim()) / (double) (1 << 20));
      } catch (NumberFormatException e) {
        return kb;
      }
    });
  }

  private static Optional<String> osRelease() {
    return field(Path.of("/etc/os-release"), "PRETTY_NAME").map(v -> v.replace("\"", ""));
  }

  /** The value of the first "name: value" or "name=value" line of a small text file. */
  private static Optional<String> field(Path file, String name) {
    try {
      return Files.readAllLines(file).stream()
          .filter(line -> line.startsWith(name))
          .map(line -> line.substring(line.indexOf(line.contains(":") && !line.contains("=") ? ':' : '=') + 1).trim())
          .findFirst();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
