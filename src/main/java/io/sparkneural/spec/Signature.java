package io.sparkneural.spec;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What one named call accepts ({@code dense}, {@code leaky_relu}, {@code adam}), how to build its
 * value from bound arguments, and how to describe a value again as arguments for writing.
 *
 * @param <T> what the call builds
 */
final class Signature<T> {

    private final String name;
    private final String example;
    private final List<Param<?>> params;
    private final Function<Arguments, T> build;
    private final Function<T, List<Object>> describe;

    /**
     * @param name canonical lower-case name
     * @param example a typical call, quoted when a required argument is missing
     * @param params positional ones first, in the order they may be given
     * @param build makes the value from the read arguments; an IllegalArgumentException it throws (a rule
     *     across arguments) is reported at the call
     * @param describe a value's arguments, in the order of {@code params}
     */
    Signature(String name, String example, List<Param<?>> params, Function<Arguments, T> build,
            Function<T, List<Object>> describe) {
        this.name = name;
        this.example = example;
        this.params = List.copyOf(params);
        this.build = build;
        this.describe = describe;
    }

    String name() {
        return name;
    }

    /** Whether a parameter of that name exists. */
    boolean accepts(String paramName) {
        return params.stream().anyMatch(p -> p.name().equals(paramName));
    }

    /** The parameters' names, sorted, for "allowed: ..." advice. */
    String paramNames() {
        return params.stream().map(Param::name).sorted().collect(Collectors.joining(", "));
    }

    /** Binds the call's arguments to the parameters, reads them and builds the value. */
    T bind(Call call) {
        Arguments args = new Arguments(name, params, call.at());
        List<Param<?>> positionalParams = params.stream().filter(Param::positional).toList();
        for (int i = 0; i < call.positional().size(); i++) {
            Value value = call.positional().get(i);
            if (i >= positionalParams.size()) {
                throw value.at().error("too many positional arguments for " + name, positionalAdvice(positionalParams));
            }
            args.set(positionalParams.get(i), value, value.at());
        }
        for (Call.Keyword keyword : call.keywords()) {
            Param<?> param = find(keyword.name());
            if (param == null) {
                throw keyword.at().error("unknown argument '" + keyword.name() + "' for " + name,
                        params.isEmpty() ? "; " + name + " takes no arguments" : "; allowed: " + paramNames());
            }
            if (args.has(param)) {
                throw keyword.at().error("duplicate argument '" + param.name() + "' for " + name,
                        "; it was already given at " + args.at(param));
            }
            args.set(param, keyword.value(), keyword.at());
        }
        List<String> missing = params.stream().filter(p -> p.required() && !args.has(p)).map(Param::name).toList();
        if (!missing.isEmpty() && call.bare()) {
            // "dense" alone: the user may not know the layer takes arguments at all
            throw call.at().error(name + " needs " + and(missing) + ", e.g. " + example);
        }
        if (!missing.isEmpty()) {
            throw call.at().error("missing argument '" + missing.get(0) + "' for " + name, "; e.g. " + example);
        }
        try {
            return build.apply(args);
        } catch (SpecParseException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // a rule the parameters could not check one by one; blame the whole call
            throw call.at().error(e.getMessage());
        }
    }

    /** {@code name(positional, keyword=value)} without arguments at their default; the bare name if none remain. */
    String toText(T value) {
        List<Object> values = describe.apply(value);
        List<String> parts = new ArrayList<>();
        boolean byPosition = true;
        for (int i = 0; i < params.size(); i++) {
            Param<?> param = params.get(i);
            Object argument = values.get(i);
            Object byDefault = param.defaultFrom() == null ? param.defaultValue()
                    : values.get(indexOf(param.defaultFrom()));
            if (!param.required() && Objects.equals(argument, byDefault)) {
                // a later positional argument would now land in this one's place
                byPosition = false;
                continue;
            }
            byPosition &= param.positional();
            parts.add(byPosition ? text(argument) : param.name() + "=" + text(argument));
        }
        return parts.isEmpty() ? name : name + "(" + String.join(", ", parts) + ")";
    }

    /** Every argument as a JSON field, defaults included, in parameter order. */
    void writeFields(JsonGenerator json, T value) throws IOException {
        List<Object> values = describe.apply(value);
        for (int i = 0; i < params.size(); i++) {
            json.writeFieldName(params.get(i).name());
            Object argument = values.get(i);
            if (argument instanceof Integer integer) {
                json.writeNumber(integer);
            } else if (argument instanceof Double number) {
                json.writeNumber(number);
            } else if (argument instanceof Boolean bool) {
                json.writeBoolean(bool);
            } else if (argument instanceof LayerSpec layer) {
                JsonSpecFormat.writeLayer(json, layer);
            } else {
                json.writeString(text(argument));
            }
        }
    }

    private static String text(Object argument) {
        if (argument instanceof Double number) {
            return NumberText.format(number);
        }
        if (argument instanceof ActivationSpec activation) {
            return activation.toText();
        }
        if (argument instanceof Size2d size) {
            return size.toText();
        }
        if (argument instanceof LayerSpec layer) {
            return layer.toText();
        }
        return String.valueOf(argument);
    }

    /** "units", "filters and kernel", "a, b and c". */
    private static String and(List<String> names) {
        int last = names.size() - 1;
        return last == 0 ? names.get(0) : String.join(", ", names.subList(0, last)) + " and " + names.get(last);
    }

    /** By identity, as {@link Arguments} finds parameters. */
    private int indexOf(Param<?> param) {
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i) == param) {
                return i;
            }
        }
        throw new IllegalStateException("parameter " + param.name() + " is not part of " + name);
    }

    private Param<?> find(String paramName) {
        String key = paramName.toLowerCase(Locale.ROOT);
        return params.stream().filter(p -> p.name().equals(key)).findFirst().orElse(null);
    }

    private String positionalAdvice(List<Param<?>> positionalParams) {
        if (params.isEmpty()) {
            return "; " + name + " takes no arguments";
        }
        if (positionalParams.isEmpty()) {
            return "; " + name + " takes keyword arguments only: " + paramNames();
        }
        return "; expected at most " + positionalParams.size() + ": "
                + positionalParams.stream().map(Param::name).collect(Collectors.joining(", "));
    }

    /** The arguments of one call, read and ready for the build function. */
    static final class Arguments {

        private final String callName;
        private final List<Param<?>> params;
        private final Object[] values;
        private final Position[] positions;
        private final Position call;

        private Arguments(String callName, List<Param<?>> params, Position call) {
            this.callName = callName;
            this.params = params;
            this.values = new Object[params.size()];
            this.positions = new Position[params.size()];
            this.call = call;
        }

        /** The argument's value, or the parameter's default when it was not given. */
        @SuppressWarnings("unchecked")
        <V> V get(Param<V> param) {
            Object value = values[index(param)];
            if (value != null) {
                return (V) value;
            }
            return param.defaultFrom() == null ? param.defaultValue() : get(param.defaultFrom());
        }

        /** Where the argument was given, or where the call starts when it was not. */
        Position at(Param<?> param) {
            Position position = positions[index(param)];
            return position == null ? call : position;
        }

        private boolean has(Param<?> param) {
            return values[index(param)] != null;
        }

        private <V> void set(Param<V> param, Value value, Position argumentStart) {
            int index = index(param);
            values[index] = param.reader().read(value, callName + " " + param.name());
            positions[index] = argumentStart;
        }

        private int index(Param<?> param) {
            // by identity: a signature's parameters are its own constants
            for (int i = 0; i < params.size(); i++) {
                if (params.get(i) == param) {
                    return i;
                }
            }
            throw new IllegalStateException("parameter " + param.name() + " is not part of " + callName);
        }
    }
}
