package io.sparkneural.spec;

import java.util.List;
import java.util.Locale;

/**
 * A named argument that takes one of a few words, such as padding (valid or same). As with
 * {@link NumberRule}, the parser and the records' constructors check against the same rule and report
 * the same reason: "padding must be valid or same, but got full". The choices are listed, so the reason
 * names the argument alone, not the layer.
 *
 * @param name the argument in messages
 * @param choices the accepted words, lower-case; the first is not necessarily the default
 */
record ChoiceRule(String name, List<String> choices) {

    static final ChoiceRule PADDING = new ChoiceRule("padding", List.of("valid", "same"));
    static final ChoiceRule MERGE_MODE = new ChoiceRule("merge_mode", List.of("concat", "sum", "mul", "ave"));
    static final ChoiceRule POOL_KIND = new ChoiceRule("pool kind", List.of("max", "avg"));

    ChoiceRule {
        choices = List.copyOf(choices);
    }

    /** "valid or same", "concat, sum, mul or ave". */
    String expectation() {
        return choices.size() == 1 ? choices.get(0)
                : String.join(", ", choices.subList(0, choices.size() - 1)) + " or " + choices.get(choices.size() - 1);
    }

    /** The choice {@code word} names, in any case; null if none. */
    String find(String word) {
        if (word == null) {
            return null;
        }
        String key = word.toLowerCase(Locale.ROOT);
        return choices.contains(key) ? key : null;
    }

    /**
     * @return {@code word} in lower case
     * @throws IllegalArgumentException "padding must be valid or same, but got full"
     */
    String require(String word) {
        String choice = find(word);
        if (choice == null) {
            throw new IllegalArgumentException(reason(String.valueOf(word)));
        }
        return choice;
    }

    /** "padding must be valid or same, but got full". */
    String reason(String got) {
        return name + " must be " + expectation() + ", but got " + got;
    }
}
