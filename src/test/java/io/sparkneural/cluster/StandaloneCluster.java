package io.sparkneural.cluster;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster of separate processes on 127.0.0.1: a Master and Workers started from Spark's own
 * classes, with a minimal SPARK_HOME whose {@code jars/} holds the jars of this test's class path (what a Spark
 * installation plus the application's dependencies provide). Workers launch executors as their own JVMs, the way
 * a real cluster does. Closing stops every process it started, executors included.
 */
final class StandaloneCluster implements AutoCloseable {
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    final Path home;
    final Path sparkHome;
    final int masterPort;
    private final List<Process> daemons = new ArrayList<>();
    final List<Process> workers = new ArrayList<>();
    final List<Path> workDirs = new ArrayList<>();

    StandaloneCluster(Path home, int workers, int coresPerWorker, String workerMemory) throws Exception {
        this.home = home;
        this.sparkHome = home.resolve("spark-home");
        Files.createDirectories(sparkHome.resolve("jars"));
        Files.createDirectories(sparkHome.resolve("conf"));
        for (String entry : classPath()) {
            Path p = Path.of(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
                Path link = sparkHome.resolve("jars").resolve(p.getFileName());
                // two artifacts may share a file name (same artifactId in different groups): keep both
                for (int n = 2; Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS); n++) {
                    link = sparkHome.resolve("jars").resolve(n + "-" + p.getFileName());
                }
                Files.createSymbolicLink(link, p.toAbsolutePath());
            }
        }
        masterPort = freePort();
        Process master = start("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(freePort())));
        daemons.add(master);
        waitForLog(home.resolve("master.log"), "I have been elected leader", Duration.ofSeconds(60), master);
        for (int i = 1; i <= workers; i++) {
            Path work = Files.createDirectories(home.resolve("worker-" + i));
            workDirs.add(work);
            Process w = start("worker-" + i, List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                    "--cores", String.valueOf(coresPerWorker), "--memory", workerMemory, "--work-dir", work.toString(),
                    "--webui-port", String.valueOf(freePort()), masterUrl()));
            daemons.add(w);
            this.workers.add(w);
        }
        for (int i = 1; i <= workers; i++) {
            waitForLog(home.resolve("worker-" + i + ".log"), "Successfully registered with master",
                    Duration.ofSeconds(60), this.workers.get(i - 1));
        }
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /** The class path of this JVM as entries (Surefire puts the real one in a property). */
    static List<String> classPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return List.of(cp.split(File.pathSeparator));
    }

    /** What every Spark JVM here gets: Spark's home, Java 17's --add-opens, one ND4J thread. */
    Map<String, String> environment() {
        return Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.12",
                "JAVA_HOME", System.getProperty("java.home"), "SPARK_LOCAL_IP", "127.0.0.1",
                "OMP_NUM_THREADS", "1", "SPARK_NO_DAEMONIZE", "1");
    }

    /** Java 17's --add-opens list for Spark, as this test JVM got it. */
    static List<String> jvmFlags() {
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.equals("-XX:+IgnoreUnrecognizedVMOptions")
                        || a.startsWith("-Djdk.reflect.useDirectMethodHandle"))
                .toList();
    }

    private Process start(String name, List<String> mainAndArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-Xmx256m"));
        cmd.addAll(jvmFlags());
        cmd.addAll(List.of("-cp", sparkHome.resolve("jars") + File.separator + "*"));
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(home.resolve(name + ".log").toFile());
        pb.environment().putAll(environment());
        return pb.start();
    }

    static void waitForLog(Path log, String text, Duration timeout, Process process) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(log) && Files.readString(log).contains(text)) return;
            if (!process.isAlive()) {
                throw new IllegalStateException(log.getFileName() + ": the process exited (" + process.exitValue()
                        + ") before '" + text + "':\n" + tail(log));
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(log.getFileName() + ": no '" + text + "' within " + timeout + ":\n" + tail(log));
    }

    /** The log's errors and its last lines. */
    static String tail(Path log) {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            List<String> errors = lines.stream().filter(l -> l.startsWith("error:") || l.contains(" ERROR ")
                    || l.contains("Exception")).limit(30).toList();
            return String.join("\n", errors) + "\n...\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Executor JVMs a worker launched and that are running now. */
    List<ProcessHandle> executorsOf(int worker) {
        return workers.get(worker).descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                .filter(ProcessHandle::isAlive).toList();
    }

    /**
     * What a stuck run leaves to look at, for a failure message: every executor's log tail and the stacks of the
     * task threads of the given JVMs (the driver's and the executors'), where a wait that never ends shows.
     */
    String stuckReport(List<ProcessHandle> jvms) {
        StringBuilder report = new StringBuilder();
        for (int w = 0; w < workers.size(); w++) {
            try {
                for (Path stderr : executorLogs(w)) {
                    report.append("\n--- ").append(home.relativize(stderr)).append('\n').append(tail(stderr));
                }
            } catch (IOException e) {
                report.append("\n--- worker ").append(w + 1).append(": ").append(e);
            }
        }
        for (ProcessHandle jvm : jvms) report.append("\n--- threads of pid ").append(jvm.pid()).append('\n')
                .append(taskThreads(jvm.pid()));
        return report.toString();
    }

    /** The stacks of a JVM's Spark task, DAG and training threads, as jcmd prints them. */
    static String taskThreads(long pid) {
        try {
            // to a file, so that a jcmd stuck on a wedged JVM is given up after its time instead of blocking a read
            Path out = Files.createTempFile("threads-" + pid, ".txt");
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(pid), "Thread.print").redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!jcmd.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) jcmd.destroyForcibly();
            String dump = Files.readString(out);
            Files.deleteIfExists(out);
            StringBuilder kept = new StringBuilder();
            for (String thread : dump.split("\n\n")) {
                if (thread.contains("Executor task launch") || thread.contains("dag-scheduler")
                        || thread.contains("\"main\"") || thread.contains("spark-neural")) {
                    kept.append(thread).append("\n\n");
                }
            }
            return kept.length() == 0 ? dump : kept.toString();
        } catch (IOException | InterruptedException e) {
            return "no thread dump: " + e;
        }
    }

    /** Executor logs (stderr) a worker has kept for its executors, over all applications. */
    List<Path> executorLogs(int worker) throws IOException {
        try (Stream<Path> files = Files.walk(workDirs.get(worker))) {
            return files.filter(p -> p.getFileName().toString().equals("stderr")).toList();
        }
    }

    /** The application jar spark-submit takes: the project's classes, as {@code mvn package} writes them. */
    static Path applicationJar(Path into) throws IOException {
        Path classes = Path.of("target", "classes");
        Path jar = into.resolve("spark-neural-app.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, zip);
                zip.closeEntry();
            }
        }
        return jar;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (Process p : daemons) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : daemons) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
