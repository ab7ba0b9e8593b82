package io.sparkneural.train;

import io.sparkneural.network.NetworkState;

import java.util.List;

/**
 * @param state        the trained network: the best epoch's when restoring best weights, else the last epoch's
 * @param history      one record per epoch run
 * @param numWorkers   workers actually used
 * @param bestEpoch    1-based best epoch of the monitored metric; 0 when none counted
 * @param bestValue    the monitored metric's best value, or NaN
 * @param stoppedEpoch epoch after which early stopping ended training; 0 when all epochs ran
 * @param restoredBest whether {@code state} is the best epoch's
 */
public record TrainingResult(NetworkState state, List<EpochRecord> history, int numWorkers, int bestEpoch,
                             double bestValue, int stoppedEpoch, boolean restoredBest) {
}
