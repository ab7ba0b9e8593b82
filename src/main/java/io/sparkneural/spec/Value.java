package io.sparkneural.spec;

import java.util.List;

/** An argument value in the call tree, not yet interpreted: that is up to the {@link Param} it binds to. */
sealed interface Value permits Value.Number, Value.Name, Value.Size, Value.Nested {

    /** Where the value starts. */
    Position at();

    /** The value as written, for error messages. */
    String text();

    /** A number as written ({@code 64}, {@code 1e-4}) and its value. */
    record Number(double value, String text, Position at) implements Value {}

    /** A bare name: an activation, {@code true}/{@code false}, ... */
    record Name(String text, Position at) implements Value {}

    /** A size such as {@code 3x3}, for kernels and pools. */
    record Size(List<Integer> dimensions, String text, Position at) implements Value {
        public Size {
            dimensions = List.copyOf(dimensions);
        }
    }

    /** A call used as a value: {@code leaky_relu(0.01)}, and later {@code bidirectional(lstm(64))}. */
    record Nested(Call call) implements Value {
        @Override
        public Position at() {
            return call.at();
        }

        @Override
        public String text() {
            return call.name() + "(...)";
        }
    }
}
