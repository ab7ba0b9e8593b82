package io.sparkneural.spec;

/** One lexical token of the call grammar, with where it starts. */
record Token(Kind kind, String text, Position at) {

    enum Kind {
        /** letters, digits and '_', not starting with a digit: dense, relu, l2, true */
        NAME,
        /** an optionally signed int, decimal or scientific number: 64, -0.5, 1e-4 */
        NUMBER,
        /** two or more positive integers joined by 'x': 3x3, 2x2x2 */
        SIZE,
        OPEN,
        CLOSE,
        COMMA,
        EQUALS,
        /** "->", an optional separator between layers */
        ARROW,
        END
    }

    /** How the token is named in error messages: quoted as written, or "end of input". */
    String describe() {
        return kind == Kind.END ? "end of input" : "'" + text + "'";
    }
}
