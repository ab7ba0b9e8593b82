package io.sparkneural.spec;

import java.util.List;

/**
 * {@code name(positional..., keyword=value...)} as written, before any meaning is given to it. Both
 * the compact text and the JSON form are read into calls, so one {@link Catalog} interprets both.
 *
 * @param at where the name starts
 */
record Call(String name, Position at, List<Value> positional, List<Keyword> keywords) {

    Call {
        positional = List.copyOf(positional);
        keywords = List.copyOf(keywords);
    }

    /** A bare name, such as the activation {@code relu}: a call without arguments. */
    static Call of(Value.Name name) {
        return new Call(name.text(), name.at(), List.of(), List.of());
    }

    /** {@code name=value}; {@code at} is where the name starts. */
    record Keyword(String name, Position at, Value value) {}
}
