package io.sparkneural.network;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The choice of OpenBLAS kernels, in Java and in conf/openblas-env.sh, which must agree. */
class BlasKernelsTest {
    private static final String ZEN5 = cpuinfo("AuthenticAMD",
            "fpu sse sse2 avx fma avx2 avx512f avx512dq avx512ifma avx512cd avx512bw avx512vl avx512_bf16");
    private static final String SKYLAKE_SERVER = cpuinfo("GenuineIntel",
            "fpu sse sse2 avx fma avx2 avx512f avx512dq avx512cd avx512bw avx512vl");
    private static final String ZEN3 = cpuinfo("AuthenticAMD", "fpu sse sse2 avx fma avx2");
    /** AVX-512 foundation without the subsets the SkylakeX kernels use (Xeon Phi had such a set). */
    private static final String PARTIAL = cpuinfo("GenuineIntel", "fpu avx2 avx512f avx512cd avx512er avx512pf");

    private static String cpuinfo(String vendor, String flags) {
        return "processor\t: 0\nvendor_id\t: " + vendor + "\nmodel name\t: test\nflags\t\t: " + flags
                + "\n\nprocessor\t: 1\nvendor_id\t: " + vendor + "\nflags\t\t: " + flags + "\n";
    }

    @Test
    void theAvx512KernelsAreChosenOnlyWhereEverySubsetTheyUseIsThere() {
        assertEquals("SKYLAKEX", BlasKernels.recommendedCoreType(ZEN5, "amd64"));
        assertEquals("SKYLAKEX", BlasKernels.recommendedCoreType(SKYLAKE_SERVER, "x86_64"));
        assertNull(BlasKernels.recommendedCoreType(ZEN3, "amd64"));
        assertNull(BlasKernels.recommendedCoreType(PARTIAL, "amd64"));
        assertNull(BlasKernels.recommendedCoreType(ZEN5, "aarch64"), "not x86: never forced");
        assertNull(BlasKernels.recommendedCoreType("", "amd64"), "no /proc/cpuinfo");
    }

    @Test
    void slowKernelsAreReportedWhereOpenBlasWouldMisjudgeTheCpu() {
        assertTrue(BlasKernels.slowKernels(ZEN5, "amd64", null), "0.3.19 takes Zen 5 for a Barcelona");
        assertTrue(BlasKernels.slowKernels(ZEN5, "amd64", "Haswell"), "AVX2 kernels on an AVX-512 CPU");
        assertFalse(BlasKernels.slowKernels(ZEN5, "amd64", "SKYLAKEX"));
        assertFalse(BlasKernels.slowKernels(ZEN5, "amd64", "skylakex"));
        assertFalse(BlasKernels.slowKernels(ZEN5, "amd64", ""), "an unknown name: OpenBLAS picks by CPU features");
        assertTrue(BlasKernels.slowKernels(ZEN5, "amd64", "ZEN"));
        assertFalse(BlasKernels.slowKernels(SKYLAKE_SERVER, "amd64", null), "OpenBLAS knows Intel's models");
        assertTrue(BlasKernels.slowKernels(SKYLAKE_SERVER, "amd64", "Haswell"));
        assertFalse(BlasKernels.slowKernels(ZEN3, "amd64", null));
        assertFalse(BlasKernels.slowKernels(ZEN3, "amd64", "Haswell"));
    }

    /** What {@code . conf/openblas-env.sh} leaves in OPENBLAS_CORETYPE, and what it said on stderr. */
    private static String[] sourced(Path cpuinfo, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c",
                ". conf/openblas-env.sh; printf '%s' \"${OPENBLAS_CORETYPE-<unset>}\"");
        pb.environment().remove("OPENBLAS_CORETYPE");
        pb.environment().remove("SPARK_NEURAL_KEEP_OPENBLAS_CORETYPE");
        pb.environment().put("SPARK_NEURAL_CPUINFO", cpuinfo.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        return new String[] {new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)};
    }

    @Test
    void theLaunchScriptMakesTheSameChoiceAsJava(@TempDir Path dir) throws Exception {
        String arch = new String(new ProcessBuilder("uname", "-m").start().getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).trim();
        assumeTrue(arch.equals("x86_64"), "the script forces kernels on x86-64 only");
        for (String cpu : List.of(ZEN5, SKYLAKE_SERVER, ZEN3, PARTIAL)) {
            Path file = Files.writeString(dir.resolve("cpuinfo"), cpu);
            String expected = BlasKernels.recommendedCoreType(cpu, "amd64");
            assertEquals(expected == null ? "<unset>" : expected, sourced(file, Map.of())[0], cpu);
            String[] replaced = sourced(file, Map.of("OPENBLAS_CORETYPE", "Haswell"));
            assertEquals(expected == null ? "Haswell" : expected, replaced[0], cpu);
            assertEquals(expected != null, replaced[1].contains("OPENBLAS_CORETYPE=Haswell -> SKYLAKEX"),
                    "a replaced value is said: " + replaced[1]);
        }
        Path zen5 = Files.writeString(dir.resolve("cpuinfo"), ZEN5);
        assertEquals("Haswell", sourced(zen5, Map.of("OPENBLAS_CORETYPE", "Haswell",
                "SPARK_NEURAL_KEEP_OPENBLAS_CORETYPE", "1"))[0], "the caller may keep its own");
        String[] same = sourced(zen5, Map.of("OPENBLAS_CORETYPE", "SKYLAKEX"));
        assertEquals("SKYLAKEX", same[0]);
        assertEquals("", same[1], "nothing to say when nothing changes");
    }
}
