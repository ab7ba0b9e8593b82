package io.sparkneural.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/** The job's command line (training itself is exercised by the stage tests and by running the job). */
class MnistJobTest {

    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = MnistJob.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[]{String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        String[] r = run("--help");
        assertEquals("0", r[0]);
        for (String option : new String[]{"--network", "--master", "--epochs", "--batch-size", "--workers", "--averaging-frequency",
                "--learning-rate", "--train-limit", "--test-limit", "--seed", "--scaler", "--data-dir", "--ui",
                "--no-train-metrics"}) {
            assertTrue(r[1].contains(option), option + " missing from --help");
        }
    }

    @Test
    void badOptionsExitWithTwoAndOneLine() {
        String[] r = run("--scaler", "minmax");
        assertEquals("2", r[0]);
        assertEquals("error: --scaler must be standard, pixel or auto, but was 'minmax'", r[2].trim());
        r = run("--network", "rnn");
        assertEquals("2", r[0]);
        assertEquals("error: --network must be mlp, cnn or lstm, but was 'rnn'", r[2].trim());
        r = run("--bogus", "1");
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("error: unknown option --bogus"), r[2]);
    }
}
