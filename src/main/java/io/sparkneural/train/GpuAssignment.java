package io.sparkneural.train;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Puts a Spark task's ND4J work on the GPU that Spark assigned to the task.
 *
 * <p>Spark hands GPUs to tasks when the application asks for them ({@code spark.executor.resource.gpu.amount},
 * {@code spark.task.resource.gpu.amount} and a discovery script such as {@code conf/gpu-discovery.sh}); the task
 * finds its GPUs' addresses in {@code TaskContext.resources()}. ND4J's CUDA backend knows nothing of this: every
 * thread starts on CUDA device 0, so without this class all concurrent tasks of an executor would share its first
 * GPU. {@link #apply()} makes the calling thread (a task's thread) use the task's GPU. It is called at the start of
 * each task that builds or runs a network.
 *
 * <p>Addresses are the GPUs' <em>physical</em> indexes, as {@code nvidia-smi} numbers them and as
 * {@code conf/gpu-discovery.sh} reports them. CUDA numbers only the devices it can see: when the executor runs
 * with {@code CUDA_VISIBLE_DEVICES} set to a list of indexes, address {@code a} is the CUDA device at the position
 * of {@code a} in that list; otherwise it is CUDA device {@code a}. When that list names devices by UUID or MIG
 * name, there is no index to map, and the addresses are taken as CUDA ordinals (the discovery script must then
 * report 0..n-1). Set {@code CUDA_DEVICE_ORDER=PCI_BUS_ID} on executors so CUDA orders devices as nvidia-smi does.
 *
 * <p>On the driver, in a thread outside a task, in a task without a GPU, or with ND4J's CPU backend, nothing
 * is changed.
 */
public final class GpuAssignment {
    /** The Spark resource name for GPUs, as in {@code spark.executor.resource.gpu.amount}. */
    public static final String RESOURCE = "gpu";

    private static final Logger LOG = LoggerFactory.getLogger(GpuAssignment.class);

    private GpuAssignment() {
    }

    /**
     * Makes the calling task thread run ND4J on the task's GPU, when there is one and ND4J runs its CUDA backend.
     *
     * @return the CUDA device ordinal now in use by this thread, or empty when nothing was changed
     * @throws IllegalArgumentException when the task's GPU address is not an index
     * @throws IllegalStateException when the address names a GPU that CUDA does not see on this executor
     */
    public static OptionalInt apply() {
        TaskContext task = TaskContext.get();
        if (task == null) return OptionalInt.empty();
        Map<String, ResourceInformation> resources = task.resourcesJMap();
        ResourceInformation gpus = resources.get(RESOURCE);
        if (gpus == null || gpus.addresses().length == 0) return OptionalInt.empty();
        if (Nd4j.getExecutioner().type() != OpExecutioner.ExecutionerType.CUDA) {
            LOG.warn("Task {} was given GPU {} but ND4J runs its {} backend: build with -Pcuda to use the GPU",
                    task.taskAttemptId(), Arrays.toString(gpus.addresses()), Nd4j.getExecutioner().type());
            return OptionalInt.empty();
        }
        if (gpus.addresses().length > 1) {
            LOG.warn("Task {} was given GPUs {}; one training worker drives one GPU, so only {} is used. "
                            + "Set spark.task.resource.gpu.amount=1 to run one task per GPU.",
                    task.taskAttemptId(), Arrays.toString(gpus.addresses()), gpus.addresses()[0]);
        }
        AffinityManager affinity = Nd4j.getAffinityManager();
        OptionalInt device = deviceFor(resources, affinity.getNumberOfDevices(), System.getenv("CUDA_VISIBLE_DEVICES"));
        if (device.isPresent() && affinity.getDeviceForCurrentThread() != device.getAsInt()) {
            // Spark reuses task threads: this one may have run an earlier task on another GPU. Its workspaces and
            // memory context live on that GPU; drop them before switching, as ND4J does when it replicates arrays.
            Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
            Nd4j.getMemoryManager().releaseCurrentContext();
            affinity.unsafeSetDevice(device.getAsInt());
        }
        return device;
    }

    /**
     * The CUDA device ordinal for a task's resources; a pure function of its arguments.
     *
     * <p>The task's first GPU address is used: one training worker runs on one thread, and an ND4J thread drives
     * one device, so further GPUs given to the same task would sit idle.
     *
     * @param resources          the task's resources, as {@code TaskContext.get().resourcesJMap()}; may be null
     * @param visibleDevices     how many CUDA devices ND4J sees ({@code Nd4j.getAffinityManager().getNumberOfDevices()})
     * @param cudaVisibleDevices the executor's {@code CUDA_VISIBLE_DEVICES}, or null when unset
     * @return the CUDA ordinal to use, or empty when the task has no GPU (leave ND4J's default)
     * @throws IllegalArgumentException when the first address is not a non-negative integer
     * @throws IllegalStateException    when the address is not among the devices CUDA sees
     */
    static OptionalInt deviceFor(Map<String, ResourceInformation> resources, int visibleDevices,
                                 String cudaVisibleDevices) {
        ResourceInformation gpus = resources == null ? null : resources.get(RESOURCE);
        if (gpus == null || gpus.addresses().length == 0) return OptionalInt.empty();
        String address = gpus.addresses()[0].trim();
        int physical = parseIndex(address);
        if (physical < 0) {
            throw new IllegalArgumentException("GPU address '" + address + "' given to this task is not a GPU index:"
                    + " the discovery script must report indexes such as \"0\" (nvidia-smi --query-gpu=index),"
                    + " not UUIDs or names");
        }
        int ordinal = physical;
        int[] visible = indexList(cudaVisibleDevices);
        if (visible != null) {
            ordinal = indexOf(visible, physical);
            if (ordinal < 0) {
                throw new IllegalStateException("GPU address " + physical + " given to this task is not in this"
                        + " executor's CUDA_VISIBLE_DEVICES=" + cudaVisibleDevices.trim() + ": the discovery script"
                        + " must report only GPUs that CUDA can see");
            }
        }
        if (ordinal >= visibleDevices) {
            String seen = visibleDevices <= 0 ? "ND4J sees no CUDA device on this executor"
                    : "ND4J sees only " + visibleDevices + " CUDA device" + (visibleDevices == 1 ? "" : "s")
                      + " on this executor (ordinals 0 to " + (visibleDevices - 1) + ")";
            String mapped = ordinal == physical ? "" : " (CUDA ordinal " + ordinal + " through CUDA_VISIBLE_DEVICES="
                    + cudaVisibleDevices.trim() + ")";
            throw new IllegalStateException("GPU address " + physical + mapped + " given to this task is out of range: "
                    + seen + "; the discovery script and CUDA must see the same GPUs");
        }
        return OptionalInt.of(ordinal);
    }

    /** A non-negative decimal index, or -1. */
    private static int parseIndex(String text) {
        if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) return -1;
        return Integer.parseInt(text);
    }

    /** CUDA_VISIBLE_DEVICES as indexes; null when unset or when it names devices otherwise (UUIDs, MIG). */
    private static int[] indexList(String cudaVisibleDevices) {
        if (cudaVisibleDevices == null || cudaVisibleDevices.isBlank()) return null;
        String[] parts = cudaVisibleDevices.split(",", -1);
        int[] indexes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            indexes[i] = parseIndex(parts[i].trim());
            if (indexes[i] < 0) return null;
        }
        return indexes;
    }

    private static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) return i;
        }
        return -1;
    }
}
