package io.sparkneural.spec;

import java.util.Locale;

/**
 * One argument a call accepts: its name, whether it may be given by position, its default (null when
 * required) and how to read its value.
 *
 * @param <T> the Java type of the value
 */
record Param<T>(String name, boolean positional, T defaultValue, Reader<T> reader) {

    /** Turns a value from the call tree into {@code T}, or explains with the value's position why not. */
    interface Reader<T> {
        /** @param what the argument as named in messages, e.g. "dense units" */
        T read(Value value, String what);
    }

    /** A required whole number. */
    static Param<Integer> integer(String name, NumberRule rule) {
        return new Param<>(name, false, null, (value, what) -> (int) number(value, what, rule));
    }

    /** An optional number. */
    static Param<Double> number(String name, NumberRule rule, double defaultValue) {
        return new Param<>(name, false, defaultValue, (value, what) -> number(value, what, rule));
    }

    /** A required number. */
    static Param<Double> number(String name, NumberRule rule) {
        return new Param<>(name, false, null, (value, what) -> number(value, what, rule));
    }

    /** An optional {@code true} or {@code false}. */
    static Param<Boolean> bool(String name, boolean defaultValue) {
        return new Param<>(name, false, defaultValue, Param::bool);
    }

    /** An optional activation, by name or as a call: {@code relu}, {@code leaky_relu(0.01)}. */
    static Param<ActivationSpec> activation(String name, ActivationSpec defaultValue) {
        return new Param<>(name, false, defaultValue, ActivationSpec::read);
    }

    /** This parameter, also accepted by position (in the order of the signature's positional parameters). */
    Param<T> byPosition() {
        return new Param<>(name, true, defaultValue, reader);
    }

    boolean required() {
        return defaultValue == null;
    }

    private static double number(Value value, String what, NumberRule rule) {
        if (value instanceof Value.Number number && rule.allows(number.value())) {
            return number.value() + 0.0;
        }
        throw value.at().error(what + " must be " + rule.expectation() + ", but got " + value.text());
    }

    private static boolean bool(Value value, String what) {
        String text = value instanceof Value.Name name ? name.text().toLowerCase(Locale.ROOT) : "";
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw value.at().error(what + " must be true or false, but got " + value.text());
        };
    }
}
