package io.sparkneural.network;

/** What the network's output means to the Spark stage that trains it. */
public enum Task {
    /** Class probabilities: a softmax over numClasses units, or one sigmoid unit for two classes. */
    CLASSIFICATION,
    /** One real value per row. */
    REGRESSION
}
