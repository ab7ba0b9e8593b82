package io.sparkneural.train;

import io.sparkneural.network.NetworkState;

/**
 * @param state        the trained network
 * @param lossHistory  training loss after each epoch
 * @param epochSeconds wall time of each epoch
 * @param numWorkers   workers actually used
 */
public record TrainingResult(NetworkState state, double[] lossHistory, double[] epochSeconds, int numWorkers) {
}
