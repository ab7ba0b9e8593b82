package io.sparkneural.train;

import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.*;

/** The choice of CUDA device from a task's Spark resources, with fake resources: no GPU needed. */
class GpuAssignmentTest {

    private static Map<String, ResourceInformation> gpus(String... addresses) {
        return Map.of("gpu", new ResourceInformation("gpu", addresses));
    }

    @Test
    void noGpuResourceLeavesNd4jAlone() {
        assertEquals(OptionalInt.empty(), GpuAssignment.deviceFor(null, 4, null));
        assertEquals(OptionalInt.empty(), GpuAssignment.deviceFor(Map.of(), 4, null));
        assertEquals(OptionalInt.empty(), GpuAssignment.deviceFor(
                Map.of("fpga", new ResourceInformation("fpga", new String[]{"0"})), 4, null));
        assertEquals(OptionalInt.empty(), GpuAssignment.deviceFor(gpus(), 4, null));
    }

    @Test
    void theTasksGpuIsItsCudaOrdinal() {
        assertEquals(OptionalInt.of(0), GpuAssignment.deviceFor(gpus("0"), 1, null));
        assertEquals(OptionalInt.of(3), GpuAssignment.deviceFor(gpus("3"), 4, null));
        assertEquals(OptionalInt.of(2), GpuAssignment.deviceFor(gpus(" 2 "), 4, null));
    }

    @Test
    void ofSeveralGpusTheFirstIsUsed() {
        assertEquals(OptionalInt.of(1), GpuAssignment.deviceFor(gpus("1", "0"), 2, null));
        assertEquals(OptionalInt.of(0), GpuAssignment.deviceFor(gpus("0", "1"), 2, null));
    }

    @Test
    void cudaVisibleDevicesMapsPhysicalIndexesToCudaOrdinals() {
        assertEquals(OptionalInt.of(0), GpuAssignment.deviceFor(gpus("2"), 2, "2,3"));
        assertEquals(OptionalInt.of(1), GpuAssignment.deviceFor(gpus("3"), 2, " 2, 3 "));
        assertEquals(OptionalInt.of(0), GpuAssignment.deviceFor(gpus("5"), 1, "5"));
        // blank: as if unset
        assertEquals(OptionalInt.of(1), GpuAssignment.deviceFor(gpus("1"), 2, ""));
    }

    @Test
    void cudaVisibleDevicesByUuidLeavesAddressesAsOrdinals() {
        assertEquals(OptionalInt.of(1), GpuAssignment.deviceFor(gpus("1"), 2,
                "GPU-8a1b2c3d-0000-1111-2222-333344445555,GPU-9f8e7d6c-0000-1111-2222-333344445555"));
    }

    @Test
    void aNonIntegerAddressIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GpuAssignment.deviceFor(gpus("GPU-8a1b2c3d"), 2, null));
        assertEquals("GPU address 'GPU-8a1b2c3d' given to this task is not a GPU index: the discovery script must"
                + " report indexes such as \"0\" (nvidia-smi --query-gpu=index), not UUIDs or names", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GpuAssignment.deviceFor(gpus("-1"), 2, null));
        assertThrows(IllegalArgumentException.class, () -> GpuAssignment.deviceFor(gpus(""), 2, null));
        assertThrows(IllegalArgumentException.class, () -> GpuAssignment.deviceFor(gpus("99999999999"), 2, null));
    }

    @Test
    void anAddressBeyondTheVisibleDevicesIsRejected() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> GpuAssignment.deviceFor(gpus("3"), 2, null));
        assertEquals("GPU address 3 given to this task is out of range: ND4J sees only 2 CUDA devices on this"
                + " executor (ordinals 0 to 1); the discovery script and CUDA must see the same GPUs", e.getMessage());

        e = assertThrows(IllegalStateException.class, () -> GpuAssignment.deviceFor(gpus("1"), 1, null));
        assertEquals("GPU address 1 given to this task is out of range: ND4J sees only 1 CUDA device on this"
                + " executor (ordinals 0 to 0); the discovery script and CUDA must see the same GPUs", e.getMessage());

        e = assertThrows(IllegalStateException.class, () -> GpuAssignment.deviceFor(gpus("0"), 0, null));
        assertEquals("GPU address 0 given to this task is out of range: ND4J sees no CUDA device on this executor;"
                + " the discovery script and CUDA must see the same GPUs", e.getMessage());
    }

    @Test
    void anAddressOutsideCudaVisibleDevicesIsRejected() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> GpuAssignment.deviceFor(gpus("1"), 2, "2,3"));
        assertEquals("GPU address 1 given to this task is not in this executor's CUDA_VISIBLE_DEVICES=2,3: the"
                + " discovery script must report only GPUs that CUDA can see", e.getMessage());

        // listed, but CUDA sees fewer devices than the list names
        e = assertThrows(IllegalStateException.class, () -> GpuAssignment.deviceFor(gpus("3"), 1, "2,3"));
        assertEquals("GPU address 3 (CUDA ordinal 1 through CUDA_VISIBLE_DEVICES=2,3) given to this task is out of"
                + " range: ND4J sees only 1 CUDA device on this executor (ordinals 0 to 0); the discovery script and"
                + " CUDA must see the same GPUs", e.getMessage());
    }

    @Test
    void outsideASparkTaskNothingIsChanged() {
        assertEquals(OptionalInt.empty(), GpuAssignment.apply());
    }
}
