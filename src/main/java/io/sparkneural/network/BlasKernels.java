package io.sparkneural.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Which matrix-multiply kernels ND4J's OpenBLAS runs on this CPU, and the setting that makes it run the fast ones.
 *
 * <p>Why: ND4J 1.0.0-M2.1 ships OpenBLAS 0.3.19, which picks its kernels by CPU model and does not know AMD's newer
 * models. Measured on the AMD EPYC (Zen 5, AVX-512) machines this project runs on, sgemm on one thread (2048 or 4096
 * square): 52 GFLOP/s with {@code OPENBLAS_CORETYPE} unset (OpenBLAS takes the CPU for a 2007 Barcelona and runs SSE3
 * kernels), 126 with {@code OPENBLAS_CORETYPE=Haswell} (AVX2; what these machines' environment sets), 240 with
 * {@code SKYLAKEX} (AVX-512). The variable is read once, when OpenBLAS loads, so it must be in the JVM's environment
 * from the start: {@code conf/openblas-env.sh} sets it for the launchers here, and {@link #warnOnce} says so in the
 * log of a JVM started without it.
 *
 * <p>Only where every AVX-512 subset the SkylakeX kernels use is present: forced on a CPU without AVX-512 they would
 * stop the JVM with an illegal instruction. Intel's AVX-512 models OpenBLAS 0.3.19 recognises by itself.
 */
public final class BlasKernels {
    /** OpenBLAS's environment variable that overrides its choice of kernels. */
    public static final String CORETYPE = "OPENBLAS_CORETYPE";
    /** The kernels for CPUs with AVX-512 ({@code SKYLAKEX}: OpenBLAS 0.3.19 does not accept {@code COOPERLAKE}). */
    public static final String AVX512_CORE = "SKYLAKEX";
    /** The AVX-512 subsets OpenBLAS's SkylakeX kernels use, as {@code /proc/cpuinfo} names them. */
    static final Set<String> AVX512_FLAGS = Set.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl");

    /** OpenBLAS 0.3.19's x86 kernel sets without AVX-512, as {@code OPENBLAS_CORETYPE} names them. */
    private static final Set<String> WITHOUT_AVX512 = Set.of("katmai", "coppermine", "northwood", "prescott", "banias",
            "atom", "core2", "penryn", "dunnington", "nehalem", "athlon", "opteron", "opteron_sse3", "barcelona",
            "nano", "sandybridge", "bobcat", "bulldozer", "piledriver", "haswell", "steamroller", "excavator", "zen");

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BlasKernels.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private BlasKernels() {}

    /**
     * The {@code OPENBLAS_CORETYPE} this CPU should run with, or null where OpenBLAS's own choice is the right one
     * (no AVX-512, or not x86-64).
     *
     * @param cpuinfo the text of {@code /proc/cpuinfo}
     * @param arch the JVM's {@code os.arch}
     */
    public static String recommendedCoreType(String cpuinfo, String arch) {
        if (!"amd64".equals(arch) && !"x86_64".equals(arch)) return null;
        return flags(cpuinfo).containsAll(AVX512_FLAGS) ? AVX512_CORE : null;
    }

    /**
     * Whether this JVM's OpenBLAS runs slower kernels than the CPU supports: a CPU with AVX-512 whose
     * {@code OPENBLAS_CORETYPE} names kernels without it, or is unset on an AMD CPU (OpenBLAS 0.3.19 does not
     * recognise AMD's AVX-512 models).
     */
    static boolean slowKernels(String cpuinfo, String arch, String coretype) {
        if (recommendedCoreType(cpuinfo, arch) == null) return false;
        if (coretype == null) return field(cpuinfo, "vendor_id").equals("AuthenticAMD");
        // a name OpenBLAS does not know (the empty one too) makes it choose by CPU features, AVX-512 included
        return WITHOUT_AVX512.contains(coretype.toLowerCase(Locale.ROOT));
    }

    /**
     * Logs a warning, once per JVM, where this JVM's OpenBLAS runs slower kernels than its CPU supports; does nothing
     * elsewhere, or where {@code /proc/cpuinfo} cannot be read.
     */
    public static void warnOnce() {
        if (WARNED.getAndSet(true)) return;
        String cpuinfo = cpuinfo();
        if (cpuinfo.isEmpty()) return;
        String coretype = System.getenv(CORETYPE);
        if (slowKernels(cpuinfo, System.getProperty("os.arch"), coretype)) {
            LOG.warn("This CPU has AVX-512, but ND4J's OpenBLAS runs {} kernels ({}={}): matrix multiplies take up "
                    + "to 2x (AVX2) or 4.6x (SSE3) as long. Start the JVM with {}={} in its environment "
                    + "(conf/openblas-env.sh does it; executors: spark.executorEnv.{}={}).",
                    coretype == null ? "SSE3 or AVX2" : "slower",
                    CORETYPE, coretype == null ? "unset" : coretype, CORETYPE, AVX512_CORE, CORETYPE, AVX512_CORE);
        }
    }

    /**
     * The environment a JVM started on this machine should get for OpenBLAS: {@code OPENBLAS_CORETYPE} where
     * {@link #recommendedCoreType} names kernels, else nothing (for launchers written in Java, such as the notebook
     * kernel's spec).
     */
    public static Map<String, String> environment() {
        String core = recommendedHere();
        return core == null ? Map.of() : Map.of(CORETYPE, core);
    }

    /** This JVM's setting, as {@code OPENBLAS_CORETYPE=value} or {@code OPENBLAS_CORETYPE=unset}. */
    public static String setting() {
        String set = System.getenv(CORETYPE);
        return CORETYPE + "=" + (set == null ? "unset" : set);
    }

    /** For reports: this JVM's {@code OPENBLAS_CORETYPE}, and what this CPU should run with. */
    public static String describe() {
        String recommended = recommendedHere();
        return setting() + " (this CPU: "
                + (recommended == null ? "OpenBLAS's own choice" : recommended + ", it has AVX-512") + ")";
    }

    private static String recommendedHere() {
        return recommendedCoreType(cpuinfo(), System.getProperty("os.arch"));
    }

    /** The flags of the first processor listed. */
    static Set<String> flags(String cpuinfo) {
        return Arrays.stream(field(cpuinfo, "flags").split("\\s+")).map(s -> s.toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
    }

    /** The value of the first line {@code name : value}; empty when there is none. */
    private static String field(String cpuinfo, String name) {
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(name)) return line.substring(colon + 1).trim();
        }
        return "";
    }

    private static String cpuinfo() {
        try {
            return Files.readString(Path.of("/proc/cpuinfo"));
        } catch (IOException | RuntimeException e) {
            return ""; // not Linux: nothing to say
        }
    }
}
