package io.sparkneural.train;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The networks training workers keep in their JVM from one averaging round to the next.
 *
 * <p>Why: a network built afresh every round re-parses its configuration, reallocates its parameters and
 * re-learns its workspace sizes during its first iterations; on the seed MLP that made a 5-minibatch round take
 * 50-260 ms instead of about 15. A kept network only receives the round's parameters and optimizer state.
 *
 * <p>Bounded: at most {@link #CAPACITY} networks per JVM, least recently used evicted and closed, so executors
 * that outlive many trainings (or whose training failed before {@link #release}) do not accumulate them.
 */
final class WorkerNetworks {
    static final int CAPACITY = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    private static final Map<String, MultiLayerNetwork> IDLE = new LinkedHashMap<>(16, 0.75f, true);

    private WorkerNetworks() {}

    /** The worker's kept network for this run, or a new one built from the configuration. */
    static MultiLayerNetwork take(String runId, int worker, String configurationJson) {
        synchronized (IDLE) {
            MultiLayerNetwork kept = IDLE.remove(runId + "/" + worker);
            if (kept != null) return kept;
        }
        MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configurationJson));
        net.init();
        return net;
    }

    /** Keeps the network for the worker's next round. */
    static void give(String runId, int worker, MultiLayerNetwork net) {
        synchronized (IDLE) {
            MultiLayerNetwork previous = IDLE.put(runId + "/" + worker, net);
            if (previous != null && previous != net) previous.close();
            Iterator<Map.Entry<String, MultiLayerNetwork>> eldest = IDLE.entrySet().iterator();
            while (IDLE.size() > CAPACITY) {
                eldest.next().getValue().close();
                eldest.remove();
            }
        }
    }

    /** Closes and forgets the run's networks in this JVM. */
    static void release(String runId) {
        synchronized (IDLE) {
            Iterator<Map.Entry<String, MultiLayerNetwork>> it = IDLE.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, MultiLayerNetwork> e = it.next();
                if (e.getKey().startsWith(runId + "/")) {
                    e.getValue().close();
                    it.remove();
                }
            }
        }
    }
}
