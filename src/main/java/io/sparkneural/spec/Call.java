package io.sparkneural.spec;

import java.util.List;

/**
 * {@code name(positional..., keyword=value...)} as written, before any meaning is given to it. Both
 * the compact text and the JSON form are read into calls, so one {@link Catalog} interprets both.
 *
 * @param at where the name starts
 * @param bare written as a name alone, without parentheses ({@code flatten}, {@code relu}); a call that
 *     needs arguments explains itself differently then ("dense needs units, e.g. dense(64, relu)")
 */
record Call(String name, Position at, List<Value> positional, List<Keyword> keywords, boolean bare) {

    Call {
        positional = List.copyOf(positional);
        keywords = List.copyOf(keywords);
    }

    /** A call written with parentheses, or read from a JSON object. */
    Call(String name, Position at, List<Value> positional, List<Keyword> keywords) {
        this(name, at, positional, keywords, false);
    }

    /** A bare name, such as the activation {@code relu}: a call without arguments. */
    static Call of(Value.Name name) {
        return new Call(name.text(), name.at(), List.of(), List.of(), true);
    }

    /** {@code name=value}; {@code at} is where the name starts. */
    record Keyword(String name, Position at, Value value) {}
}
