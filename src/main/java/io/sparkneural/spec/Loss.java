package io.sparkneural.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The loss a network is trained to minimise, by its Keras name. */
public enum Loss {
    /** For one sigmoid output unit and 0/1 labels; also "bce". */
    BINARY_CROSSENTROPY("binary_crossentropy", "bce"),
    /** For softmax outputs and one-hot labels. */
    CATEGORICAL_CROSSENTROPY("categorical_crossentropy"),
    /** For softmax outputs and integer class labels. */
    SPARSE_CATEGORICAL_CROSSENTROPY("sparse_categorical_crossentropy"),
    /** Mean squared error, for regression; also "mean_squared_error". */
    MSE("mse", "mean_squared_error"),
    /** Mean absolute error, for regression; also "mean_absolute_error". */
    MAE("mae", "mean_absolute_error");

    private final String keyword;
    private final List<String> aliases;

    Loss(String keyword, String... aliases) {
        this.keyword = keyword;
        this.aliases = List.of(aliases);
    }

    /**
     * The loss for a keyword or alias, in any case, surrounding spaces ignored.
     *
     * @throws IllegalArgumentException "unknown loss 'msee', did you mean 'mse'? Supported: ..."
     */
    public static Loss parse(String name) {
        String key = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        List<String> accepted = new ArrayList<>();
        for (Loss loss : values()) {
            if (loss.keyword.equals(key) || loss.aliases.contains(key)) {
                return loss;
            }
            accepted.add(loss.keyword);
        }
        String supported = "Supported: " + String.join(", ", accepted);
        if (key.isEmpty()) {
            throw new IllegalArgumentException("the loss is empty. " + supported);
        }
        for (Loss loss : values()) {
            accepted.addAll(loss.aliases);
        }
        String suggestion = Suggestions.closest(key, accepted).map(s -> ", did you mean '" + s + "'?").orElse(".");
        throw new IllegalArgumentException("unknown loss '" + name.strip() + "'" + suggestion + " " + supported);
    }

    /** The canonical lower-case name, as Keras spells it: "sparse_categorical_crossentropy". */
    public String keyword() {
        return keyword;
    }
}
