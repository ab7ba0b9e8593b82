package io.sparkneural.spec;

/** A 1-based line and column in the text being parsed; the place every parse error points at. */
record Position(int line, int column) {

    static final Position START = new Position(1, 1);

    SpecParseException error(String reason) {
        return new SpecParseException(reason, line, column);
    }

    /** @param advice appended after the position as written, e.g. ", did you mean 'relu'?" */
    SpecParseException error(String reason, String advice) {
        return new SpecParseException(reason, line, column, advice);
    }

    /** The position {@code offset} characters further along the same line. */
    Position plusColumns(int offset) {
        return new Position(line, column + offset);
    }

    @Override
    public String toString() {
        return line + ":" + column;
    }
}
