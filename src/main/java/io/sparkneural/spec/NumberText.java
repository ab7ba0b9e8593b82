package io.sparkneural.spec;

/** How numbers are written back into specification text. */
final class NumberText {

    private NumberText() {}

    /** The shortest text that reads back as {@code value}: 64, 0.2, 1e-4, 2.5e-7. */
    static String format(double value) {
        String text = Double.toString(value);
        int exponent = text.indexOf('E');
        String mantissa = exponent < 0 ? text : text.substring(0, exponent);
        if (mantissa.endsWith(".0")) {
            mantissa = mantissa.substring(0, mantissa.length() - 2);
        }
        return exponent < 0 ? mantissa : mantissa + "e" + text.substring(exponent + 1);
    }
}
