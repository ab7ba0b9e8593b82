package io.sparkneural.spec;

import java.util.function.DoublePredicate;

/**
 * The range a numeric argument must lie in, with the words that explain it. Both the parser (which
 * knows the position) and the records' constructors (which do not) check against the same rule, so
 * the two report the same reason.
 *
 * @param expectation completes "... must be", e.g. "in [0, 1)"
 * @param integer whether only whole numbers are allowed
 */
record NumberRule(String expectation, boolean integer, DoublePredicate accepts) {

    static final NumberRule POSITIVE_INT =
            new NumberRule("a positive integer", true, v -> v >= 1 && v <= Integer.MAX_VALUE);
    static final NumberRule NON_NEGATIVE = new NumberRule(">= 0", false, v -> v >= 0 && Double.isFinite(v));
    static final NumberRule POSITIVE = new NumberRule("> 0", false, v -> v > 0 && Double.isFinite(v));
    /** Rates, betas, momentum and decay: a fraction that must stay below one. */
    static final NumberRule FRACTION = new NumberRule("in [0, 1)", false, v -> v >= 0 && v < 1);

    boolean allows(double value) {
        return accepts.test(value) && (!integer || value == Math.rint(value));
    }

    /**
     * @param what the argument, e.g. "dropout rate"
     * @return {@code value}, normalised so that -0.0 becomes 0.0 (they would compare unequal)
     * @throws IllegalArgumentException "dropout rate must be in [0, 1), but got 1.5"
     */
    double require(String what, double value) {
        if (!allows(value)) {
            throw new IllegalArgumentException(
                    what + " must be " + expectation + ", but got " + NumberText.format(value));
        }
        return value + 0.0;
    }
}
