package io.sparkneural.network;

import io.sparkneural.spec.DenseSpec;
import io.sparkneural.spec.Loss;
import io.sparkneural.spec.NetworkSpec;

import java.io.Serializable;

/**
 * How the output layer, the loss and the label column fit together, decided once before training and
 * rejected with an explanation when they contradict each other (Keras would silently train nonsense).
 *
 * @param loss          the resolved loss
 * @param labelWidth    label columns per row the network is trained on
 * @param oneHot        true when the label index becomes a one-hot row of {@code labelWidth}; false when the
 *                      label value itself is the single target column
 * @param numClasses    number of classes (classification), or 0 (regression)
 */
public record OutputContract(Loss loss, int labelWidth, boolean oneHot, int numClasses) implements Serializable {

    /**
     * @param lossName "auto" or a loss keyword
     * @param numClasses number of classes for a classifier (ignored for regression)
     * @throws IllegalArgumentException naming the output layer, the loss and what would work
     */
    public static OutputContract resolve(NetworkSpec spec, String lossName, Task task, int numClasses) {
        DenseSpec out = spec.outputLayer();
        String act = out.activation().name();
        String outText = out.toText();
        return task == Task.REGRESSION ? regression(out, outText, lossName) : classification(out, outText, act, lossName, numClasses);
    }

    private static OutputContract regression(DenseSpec out, String outText, String lossName) {
        Loss loss = "auto".equalsIgnoreCase(lossName) ? Loss.MSE : Loss.parse(lossName);
        if (loss != Loss.MSE && loss != Loss.MAE) {
            throw new IllegalArgumentException("loss " + loss.keyword() + " is for classification; NeuralRegressor "
                    + "takes mse or mae (param loss)");
        }
        if (out.units() != 1) {
            throw new IllegalArgumentException("NeuralRegressor predicts one value per row, so the output layer must have "
                    + "1 unit, but it is " + outText + " (param layers); use e.g. dense(1) or dense(1, linear)");
        }
        if (out.activation().name().equals("softmax")) {
            throw new IllegalArgumentException("a softmax over 1 unit always outputs 1.0; the regression output layer "
                    + outText + " needs another activation, e.g. dense(1) (linear) (param layers)");
        }
        return new OutputContract(loss, 1, false, 0);
    }

    private static OutputContract classification(DenseSpec out, String outText, String act, String lossName, int numClasses) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, but the label column has "
                    + numClasses + " (its largest label is " + (numClasses - 1) + ")");
        }
        boolean sigmoidBinary = out.units() == 1 && act.equals("sigmoid");
        if (out.units() == 1 && act.equals("softmax")) {
            throw new IllegalArgumentException("dense(1, softmax) always outputs 1.0: a softmax needs one unit per class, here dense("
                    + numClasses + ", softmax); or use dense(1, sigmoid) with binary_crossentropy (param layers)");
        }
        Loss loss;
        if ("auto".equalsIgnoreCase(lossName)) {
            loss = sigmoidBinary ? Loss.BINARY_CROSSENTROPY : Loss.SPARSE_CATEGORICAL_CROSSENTROPY;
        } else {
            loss = Loss.parse(lossName);
        }
        switch (loss) {
            case MSE, MAE -> throw new IllegalArgumentException("loss " + loss.keyword() + " is for regression; "
                    + "NeuralClassifier takes binary_crossentropy (with dense(1, sigmoid)) or "
                    + "sparse_categorical_crossentropy / categorical_crossentropy (with dense(" + numClasses + ", softmax)) (param loss)");
            case BINARY_CROSSENTROPY -> {
                if (!sigmoidBinary) {
                    throw new IllegalArgumentException("binary_crossentropy needs a dense(1, sigmoid) output layer, but it is "
                            + outText + " (param layers); for a softmax output use sparse_categorical_crossentropy");
                }
                if (numClasses != 2) {
                    throw new IllegalArgumentException("binary_crossentropy with dense(1, sigmoid) needs labels 0 and 1, "
                            + "but the label column has " + numClasses + " classes; use dense(" + numClasses
                            + ", softmax) with sparse_categorical_crossentropy");
                }
                return new OutputContract(loss, 1, false, 2);
            }
            default -> {
                if (!act.equals("softmax")) {
                    throw new IllegalArgumentException(loss.keyword() + " needs a softmax output layer of " + numClasses
                            + " units (one per class), but it is " + outText
                            + (sigmoidBinary ? "; with one sigmoid unit use binary_crossentropy" : "") + " (param layers)");
                }
                if (out.units() != numClasses) {
                    throw new IllegalArgumentException("the output layer " + outText + " has " + out.units()
                            + " units, but the label column has " + numClasses + " classes (0 to " + (numClasses - 1)
                            + "); use dense(" + numClasses + ", softmax) (param layers). If some classes are absent "
                            + "from this data, index the label with StringIndexer: its metadata gives the class count");
                }
                return new OutputContract(loss, numClasses, true, numClasses);
            }
        }
    }
}
