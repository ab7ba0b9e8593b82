package io.sparkneural.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** The forecaster's data and command line (the forecast itself is measured by running the job). */
class AirPassengersJobTest {

    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = AirPassengersJob.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[]{String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void theBundledSeriesIsRsAirPassengers() throws Exception {
        double[] y = AirPassengersJob.read("");
        assertEquals(144, y.length);
        assertEquals(40363, Arrays.stream(y).sum(), 1e-9, "R: sum(AirPassengers)");
        assertEquals(112, y[0]);
        assertEquals(432, y[143]);
    }

    @Test
    void badDataAndOptionsGetOneLine(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "month,passengers\n1949-01,112\n1949-02,abc\n");
        String[] r = run("--data", csv.toString());
        assertEquals("1", r[0]);
        assertEquals("error: line 3 of " + csv + " ends in 'abc', not a number", r[2].trim());
        r = run("--epochs", "0");
        assertEquals("2", r[0]);
        assertEquals("error: option --epochs must be at least 1, but got 0", r[2].trim());
        r = run("--help");
        assertEquals("0", r[0]);
        assertTrue(r[1].contains("--learning-rate"), r[1]);
    }
}
