package io.sparkneural.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NativeMemoryGuardTest {
    private static final long MIB = 1L << 20;
    private static final int ARRAY_FLOATS = 1 << 20; // 4 MiB each

    @Test
    void collectsDroppedArraysWhenTheProcessPassesTheCap() {
        System.gc();
        long before = Pointer.physicalBytes();
        // dropped, not closed: only a garbage collection frees them, and they make too little heap to start one
        for (int i = 0; i < 150; i++) Nd4j.create(DataType.FLOAT, 1, ARRAY_FLOATS).addi(1);
        long grown = Pointer.physicalBytes();
        assertTrue(grown > before + 400 * MIB, "precondition: dropped arrays are still resident, " + (before / MIB)
                + " -> " + (grown / MIB) + " MiB");
        long limit = before + 200 * MIB;
        long forced = NativeMemoryGuard.forcedCollections();
        NativeMemoryGuard.enforce(limit);
        assertTrue(NativeMemoryGuard.forcedCollections() > forced, "the guard collected");
        assertTrue(Pointer.physicalBytes() <= limit, "under the cap after the guard: " + Pointer.physicalBytes() / MIB
                + " MiB, cap " + limit / MIB);
    }

    @Test
    void failsNamingTheSettingWhenLiveArraysExceedTheCap() {
        System.gc();
        long before = Pointer.physicalBytes();
        List<INDArray> live = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) live.add(Nd4j.create(DataType.FLOAT, 1, ARRAY_FLOATS).addi(1));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> NativeMemoryGuard.enforce(before + 100 * MIB));
            assertTrue(e.getMessage().startsWith("Out of memory: this JVM uses "), e.getMessage());
            assertTrue(e.getMessage().contains("above io.sparkneural.maxphysicalbytes=" + (before + 100 * MIB) / MIB
                    + " MiB, after 10 garbage collections; raise -Dio.sparkneural.maxphysicalbytes"), e.getMessage());
        } finally {
            for (INDArray a : live) a.close();
        }
    }

    @Test
    void staysQuietUnderTheCap() {
        long forced = NativeMemoryGuard.forcedCollections();
        NativeMemoryGuard.enforce(Pointer.physicalBytes() + 1024 * MIB);
        assertEquals(forced, NativeMemoryGuard.forcedCollections());
    }

    @Test
    void readsTheCapInJavaCppSyntaxAndFallsBackToJavaCpps() {
        assertEquals(8L << 30, NativeMemoryGuard.parseLimit("8G", 1));
        assertEquals(7000L << 20, NativeMemoryGuard.parseLimit(" 7000m ", 1));
        assertEquals(0, NativeMemoryGuard.parseLimit("0", 1));
        assertEquals(123, NativeMemoryGuard.parseLimit(null, 123));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NativeMemoryGuard.parseLimit("lots", 1));
        assertTrue(e.getMessage().startsWith("-Dio.sparkneural.maxphysicalbytes=lots is not a size"), e.getMessage());
    }

    @Test
    void theTestJvmRunsWithTheGuardOnAndJavaCppsCheckOff() {
        // the pom's test flags: a 4g heap plus the 4G native budget (exec:exec, which runs MnistJob and the
        // benchmark under a 6g heap, gets 10G by the same rule)
        assertEquals(8L << 30, NativeMemoryGuard.limit());
        assertEquals(0, Pointer.maxPhysicalBytes());
    }
}
