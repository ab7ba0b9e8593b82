package io.sparkneural.train;

/** The loss became NaN or infinite: training stopped, no model is returned. */
public final class TrainingDivergedException extends IllegalStateException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
