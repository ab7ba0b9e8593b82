package io.sparkneural.train;

import io.sparkneural.network.NativeMemoryGuard;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** Runs {@link NativeMemoryGuard} after each minibatch a worker fits, in either training engine. */
final class NativeMemoryHook implements TrainingHook {
    private static final long serialVersionUID = 1L;

    @Override
    public void preUpdate(DataSet minibatch, Model model) {}

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
        NativeMemoryGuard.check();
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {}

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
        NativeMemoryGuard.check();
    }
}
