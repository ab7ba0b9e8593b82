package io.sparkneural.ml;

import io.sparkneural.data.DataChecks;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class DataSignatureTest {
    private static String signature(double[] means, double[] stds) {
        return NeuralTraining.dataSignature(new DataChecks.Summary(24_000, means.length, 2.0, means, stds, 0, 0, 0), 0);
    }

    @Test
    void centeredFeaturesGiveOneSignatureWhateverTheSummationOrderLeftInTheLastBits() {
        // the two values two runs of the cluster test summed for StandardScaler's output, spread over 8 features
        double[] ones = {1, 1, 1, 1, 1, 1, 1, 1};
        double[] run1 = {-1.21395e-15, 0, 0, 0, 0, 0, 0, 0};
        double[] run2 = {-1.20803e-15, 0, 0, 0, 0, 0, 0, 0};
        double[] positive = {3e-16, -1e-16, 0, 0, 0, 0, 0, 0};
        assertEquals(signature(run1, ones), signature(run2, ones));
        assertEquals(signature(run1, ones), signature(positive, ones));
        assertTrue(signature(run1, ones).endsWith("feature mean sum 0.00000"), signature(run1, ones));
    }

    @Test
    void otherMeansGiveAnotherSignature() {
        double[] stds = {0.3, 0.4};
        assertNotEquals(signature(new double[]{0.5, 0.25}, stds), signature(new double[]{0.5, 0.2501}, stds));
        assertNotEquals(signature(new double[]{1e-3, 0}, new double[]{1, 1}),
                signature(new double[]{0, 0}, new double[]{1, 1}));
    }
}
