package io.sparkneural.spec;

/**
 * A specification (layers, activation, optimizer) that could not be read, with the 1-based line and
 * column of the offending token.
 *
 * <p>The message reads {@code "<reason> at <line>:<column>"} followed by any advice, e.g.
 * {@code "unknown activation 'rellu' at 1:11, did you mean 'relu'?"}. The one exception is an
 * empty specification, which has no offending token: its message is the reason alone.
 */
public final class SpecParseException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String reason;
    private final int line;
    private final int column;
    private final String advice;

    /**
     * @param reason what is wrong, without the position, e.g. {@code "unknown layer 'dens'"}
     * @param line 1-based line of the offending token
     * @param column 1-based column of the offending token
     */
    public SpecParseException(String reason, int line, int column) {
        this(reason, line, column, "");
    }

    /**
     * @param advice text appended after the position exactly as given, including its separator,
     *     e.g. {@code ", did you mean 'relu'?"} or {@code "; allowed: l1, l2"}; empty for none
     */
    public SpecParseException(String reason, int line, int column, String advice) {
        super(reason + " at " + line + ":" + column + advice);
        this.reason = reason;
        this.line = line;
        this.column = column;
        this.advice = advice;
    }

    private SpecParseException(String reason) {
        super(reason);
        this.reason = reason;
        this.line = 1;
        this.column = 1;
        this.advice = "";
    }

    /** For empty input, where no token can be blamed; the position reported is 1:1. */
    static SpecParseException empty(String reason) {
        return new SpecParseException(reason);
    }

    /** 1-based line of the offending token. */
    public int line() {
        return line;
    }

    /** 1-based column of the offending token. */
    public int column() {
        return column;
    }

    /** What is wrong, without position or advice. */
    public String reason() {
        return reason;
    }

    /** The advice that follows the position in the message, with its separator; empty when none. */
    public String advice() {
        return advice;
    }
}
