package io.sparkneural.spec;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A family of calls that build one kind of value (layers, activations, optimizers): looks calls up by
 * name, case-insensitively and through aliases, and writes values back as calls.
 *
 * @param <T> the kind of value
 */
final class Catalog<T> {

    private final String noun;
    private final Function<T, String> nameOf;
    private final Map<String, Signature<? extends T>> signatures = new LinkedHashMap<>();
    private final Map<String, String> aliases;

    /**
     * @param noun the family in messages: "layer" gives "unknown layer 'dens'"
     * @param nameOf the canonical name of a value, which selects its signature for writing
     * @param aliases extra accepted spellings, lower-case, to canonical names
     */
    Catalog(String noun, Function<T, String> nameOf, List<Signature<? extends T>> signatures,
            Map<String, String> aliases) {
        this.noun = noun;
        this.nameOf = nameOf;
        for (Signature<? extends T> signature : signatures) {
            this.signatures.put(signature.name(), signature);
        }
        this.aliases = Map.copyOf(aliases);
    }

    /** Canonical names, in declaration order. */
    List<String> names() {
        return List.copyOf(signatures.keySet());
    }

    /** The canonical name for {@code name} or one of its aliases, any case; null if unknown. */
    String canonical(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        key = aliases.getOrDefault(key, key);
        return signatures.containsKey(key) ? key : null;
    }

    Signature<? extends T> signature(String canonicalName) {
        return signatures.get(canonicalName);
    }

    /** The value the call describes. */
    T build(Call call) {
        String canonical = canonical(call.name());
        if (canonical == null) {
            throw call.at().error("unknown " + noun + " '" + call.name() + "'", unknownAdvice(call.name()));
        }
        return signatures.get(canonical).bind(call);
    }

    /** ", did you mean 'dense'?" for a near miss, else the list of supported names. */
    String unknownAdvice(String name) {
        List<String> accepted = new ArrayList<>(signatures.keySet());
        accepted.addAll(aliases.keySet());
        return Suggestions.closest(name == null ? "" : name, accepted)
                .map(suggestion -> ", did you mean '" + suggestion + "'?")
                .orElse("; supported: " + String.join(", ", signatures.keySet()));
    }

    /** For constructors, which have no position to give: "unknown activation 'rellu', did you mean 'relu'?". */
    IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("unknown " + noun + " '" + name + "'" + unknownAdvice(name));
    }

    String toText(T value) {
        return toText(signatureOf(value), value);
    }

    /** {@code {"<nameField>":"dense", ...every argument...}}. */
    void writeJson(JsonGenerator json, T value, String nameField) throws IOException {
        Signature<? extends T> signature = signatureOf(value);
        json.writeStartObject();
        json.writeStringField(nameField, signature.name());
        writeFields(json, signature, value);
        json.writeEndObject();
    }

    private Signature<? extends T> signatureOf(T value) {
        return signatures.get(nameOf.apply(value));
    }

    // A value's name selects its signature, so the signature's type is the value's type.
    @SuppressWarnings("unchecked")
    private static <S> String toText(Signature<S> signature, Object value) {
        return signature.toText((S) value);
    }

    @SuppressWarnings("unchecked")
    private static <S> void writeFields(JsonGenerator json, Signature<S> signature, Object value) throws IOException {
        signature.writeFields(json, (S) value);
    }
}
