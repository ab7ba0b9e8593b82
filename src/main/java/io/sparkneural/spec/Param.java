package io.sparkneural.spec;

import java.util.Locale;

/**
 * One argument a call accepts: its name, whether it may be given by position, its default (null when
 * required) and how to read its value.
 *
 * @param <T> the Java type of the value
 * @param defaultFrom when not null, the default is whatever this other parameter of the same call holds
 *     (a pool's stride defaults to its size); {@code defaultValue} is then null
 */
record Param<T>(String name, boolean positional, T defaultValue, Param<T> defaultFrom, Reader<T> reader) {

    /** Turns a value from the call tree into {@code T}, or explains with the value's position why not. */
    interface Reader<T> {
        /** @param what the argument as named in messages, e.g. "dense units" */
        T read(Value value, String what);
    }

    /** A required whole number. */
    static Param<Integer> integer(String name, NumberRule rule) {
        return new Param<>(name, false, null, null, (value, what) -> (int) number(value, what, rule));
    }

    /** An optional number. */
    static Param<Double> number(String name, NumberRule rule, double defaultValue) {
        return new Param<>(name, false, defaultValue, null, (value, what) -> number(value, what, rule));
    }

    /** A required number. */
    static Param<Double> number(String name, NumberRule rule) {
        return new Param<>(name, false, null, null, (value, what) -> number(value, what, rule));
    }

    /** An optional {@code true} or {@code false}. */
    static Param<Boolean> bool(String name, boolean defaultValue) {
        return new Param<>(name, false, defaultValue, null, Param::bool);
    }

    /** An optional activation, by name or as a call: {@code relu}, {@code leaky_relu(0.01)}. */
    static Param<ActivationSpec> activation(String name, ActivationSpec defaultValue) {
        return new Param<>(name, false, defaultValue, null, ActivationSpec::read);
    }

    /** An optional word out of {@code rule}'s choices, in any case; read as lower case. */
    static Param<String> choice(ChoiceRule rule, String defaultValue) {
        return new Param<>(rule.name(), false, defaultValue, null, (value, what) -> choice(value, rule));
    }

    /** A required height x width: {@code 3} (square) or {@code 3x5}. */
    static Param<Size2d> size(String name) {
        return new Param<>(name, false, null, null, Size2d::read);
    }

    /** An optional height x width: {@code 3} (square) or {@code 3x5}. */
    static Param<Size2d> size(String name, Size2d defaultValue) {
        return new Param<>(name, false, defaultValue, null, Size2d::read);
    }

    /** A required argument read by {@code reader}. */
    static <T> Param<T> required(String name, Reader<T> reader) {
        return new Param<>(name, false, null, null, reader);
    }

    /** This parameter, also accepted by position (in the order of the signature's positional parameters). */
    Param<T> byPosition() {
        return new Param<>(name, true, defaultValue, defaultFrom, reader);
    }

    /** This parameter, defaulting to the value of {@code other}, which must belong to the same signature. */
    Param<T> defaultingTo(Param<T> other) {
        return new Param<>(name, positional, null, other, reader);
    }

    boolean required() {
        return defaultValue == null && defaultFrom == null;
    }

    private static double number(Value value, String what, NumberRule rule) {
        if (value instanceof Value.Number number && rule.allows(number.value())) {
            return number.value() + 0.0;
        }
        throw value.at().error(what + " must be " + rule.expectation() + ", but got " + value.text());
    }

    private static String choice(Value value, ChoiceRule rule) {
        String choice = value instanceof Value.Name name ? rule.find(name.text()) : null;
        if (choice == null) {
            throw value.at().error(rule.reason(value.text()));
        }
        return choice;
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
