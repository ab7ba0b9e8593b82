package io.sparkneural.network;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.LayerHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * spark-neural's own CPU implementations of DL4J layers, set into a network's layers where they apply: every place
 * that builds or restores a network for training or inference calls {@link #install}, so the Spark path and the
 * plain-DL4J baseline run the same code.
 */
public final class LayerHelpers {
    private LayerHelpers() {}

    /** Installs {@link GemmConvolution} and {@link MaxPooling}; returns how many layers they took. */
    public static int install(MultiLayerNetwork net) {
        BlasKernels.warnOnce(); // every JVM that trains or predicts passes here, executors included
        return GemmConvolution.install(net) + MaxPooling.install(net);
    }

    /**
     * Puts {@code replacement} at position {@code index} of {@code net}: in the layer array DL4J runs (which
     * {@code getLayers} returns itself) and in the by-name map behind {@code getLayer(String)}.
     */
    static void replace(MultiLayerNetwork net, int index, Layer replacement) {
        Layer original = net.getLayers()[index];
        net.getLayers()[index] = replacement;
        if (LAYER_MAP == null) return; // another DL4J version: getLayer(String) keeps the layer it had
        try {
            @SuppressWarnings("unchecked")
            Map<String, Layer> byName = (Map<String, Layer>) LAYER_MAP.get(net);
            if (byName != null) byName.replaceAll((name, layer) -> layer == original ? replacement : layer);
        } catch (IllegalAccessException | ClassCastException e) {
            // as above
        }
    }

    private static final Field LAYER_MAP = declaredField(MultiLayerNetwork.class, "layerMap");

    private static Field declaredField(Class<?> owner, String name) {
        try {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Frees what the helpers of {@code net}'s layers keep between passes (off-heap patch matrices). */
    public static void release(MultiLayerNetwork net) {
        for (Layer layer : net.getLayers()) {
            if (layer.getHelper() instanceof GemmConvolution g) g.release();
        }
    }

    /** What DL4J asks of every helper, answered once for spark-neural's: always usable, no memory of DL4J's own. */
    abstract static class CpuHelper implements LayerHelper {
        @Override
        public boolean checkSupported() {
            return true;
        }

        @Override
        public Map<String, Long> helperMemoryUse() {
            return Map.of();
        }
    }

    /**
     * The private {@code helper} field of a DL4J layer class, which DL4J fills with its cuDNN or oneDNN helper and
     * consults before its own code.
     */
    static final class Slot {
        private final Field field;

        Slot(Class<? extends Layer> layerClass) {
            this.field = helperField(layerClass);
        }

        private static Field helperField(Class<?> layerClass) {
            return declaredField(layerClass, "helper"); // null on another DL4J version: DL4J's own code stays
        }

        /** Sets a helper from {@code helper} into every layer of {@code net} that {@code servable} accepts. */
        int fill(MultiLayerNetwork net, Predicate<Layer> servable, Supplier<?> helper) {
            if (field == null) return 0;
            int installed = 0;
            for (Layer layer : net.getLayers()) {
                if (!servable.test(layer)) continue;
                try {
                    field.set(layer, helper.get());
                    installed++;
                } catch (IllegalAccessException e) {
                    return installed;
                }
            }
            return installed;
        }
    }
}
