package io.sparkneural.data;

import java.io.Serializable;

/**
 * What a valid label is.
 *
 * @param classIndices true for class indices (non-negative integers), false for real values
 * @param numClasses   when positive, class indices must be below it (from the label column's metadata)
 */
public record LabelRule(boolean classIndices, int numClasses) implements Serializable {

    public static LabelRule classes(int numClassesOrZero) {
        return new LabelRule(true, numClassesOrZero);
    }

    public static LabelRule realValues() {
        return new LabelRule(false, 0);
    }

    /** Why {@code label} is invalid (with "{row}" where the row belongs), or null when it is valid. */
    String problem(Double label, String column) {
        if (label == null) {
            return "Column " + column + " has a null label at {row}; drop or fill such rows before fitting";
        }
        double y = label;
        if (!classIndices) {
            return Double.isFinite(y) ? null : "Column " + column + " has " + y + " at {row}; regression labels "
                    + "must be finite numbers";
        }
        if (Double.isNaN(y)) {
            return "Column " + column + " has NaN at {row}; labels must be class indices 0, 1, 2, ...";
        }
        if (y < 0 || y != Math.rint(y) || Double.isInfinite(y)) {
            return "Labels must be class indices 0, 1, 2, ... (non-negative integers), but column " + column + " has "
                    + y + " at {row}; index string or continuous labels first (StringIndexer, Bucketizer)";
        }
        if (numClasses > 0 && y >= numClasses) {
            return "Labels must be in [0, " + numClasses + ") as the metadata of column " + column + " says "
                    + numClasses + " classes, but it has " + y + " at {row}";
        }
        return null;
    }
}
