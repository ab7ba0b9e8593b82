package io.sparkneural.spec;

import java.util.ArrayList;
import java.util.List;

/** Splits specification text into {@link Token}s, tracking line and column. */
final class Tokenizer {

    private final String text;
    private int index;
    private int line;
    private int column;

    private Tokenizer(String text, Position origin) {
        this.text = text;
        this.line = origin.line();
        this.column = origin.column();
    }

    /** All tokens of {@code text}, ending with an {@link Token.Kind#END} token. */
    static List<Token> tokenize(String text) {
        return tokenize(text, Position.START);
    }

    /** As {@link #tokenize(String)}, for text that starts at {@code origin} of a larger document. */
    static List<Token> tokenize(String text, Position origin) {
        return new Tokenizer(text, origin).run();
    }

    private List<Token> run() {
        List<Token> tokens = new ArrayList<>();
        while (true) {
            skipWhitespace();
            Position at = new Position(line, column);
            if (index >= text.length()) {
                tokens.add(new Token(Token.Kind.END, "", at));
                return tokens;
            }
            tokens.add(next(at));
        }
    }

    private Token next(Position at) {
        char c = text.charAt(index);
        Token.Kind symbol = switch (c) {
            case '(' -> Token.Kind.OPEN;
            case ')' -> Token.Kind.CLOSE;
            case ',' -> Token.Kind.COMMA;
            case '=' -> Token.Kind.EQUALS;
            default -> null;
        };
        if (symbol != null) {
            return take(symbol, index + 1, at);
        }
        if (c == '-' && peek(1) == '>') {
            return take(Token.Kind.ARROW, index + 2, at);
        }
        if (isNameStart(c)) {
            return take(Token.Kind.NAME, scanName(), at);
        }
        if (startsNumber(c, peek(1)) || ((c == '-' || c == '+') && startsNumber(peek(1), peek(2)))) {
            return number(at);
        }
        throw at.error("unexpected character '" + c + "'");
    }

    private Token number(Position at) {
        int start = index;
        int end = scanSize(start);
        Token.Kind kind = Token.Kind.SIZE;
        if (end < 0) {
            end = scanNumber(start);
            kind = Token.Kind.NUMBER;
        }
        // "64relu" or "1.2.3" would otherwise split silently into two tokens
        if (end < 0 || (end < text.length() && (isNamePart(text.charAt(end)) || text.charAt(end) == '.'))) {
            int stop = Math.max(end, start + 1);
            while (stop < text.length() && (isNamePart(text.charAt(stop)) || text.charAt(stop) == '.')) {
                stop++;
            }
            throw at.error("malformed number '" + text.substring(start, stop) + "'");
        }
        return take(kind, end, at);
    }

    /** End of a size such as 3x3 starting at {@code from}, or -1 if there is none. */
    private int scanSize(int from) {
        int i = digits(from);
        if (i == from) {
            return -1;
        }
        int dimensions = 1;
        while (i + 1 < text.length() && (text.charAt(i) == 'x' || text.charAt(i) == 'X')
                && isDigit(text.charAt(i + 1))) {
            i = digits(i + 1);
            dimensions++;
        }
        return dimensions > 1 ? i : -1;
    }

    /** End of a number starting at {@code from}, or -1 if it has no digits. */
    private int scanNumber(int from) {
        int i = from;
        if (text.charAt(i) == '-' || text.charAt(i) == '+') {
            i++;
        }
        int integerEnd = digits(i);
        int fractionEnd = integerEnd;
        if (integerEnd < text.length() && text.charAt(integerEnd) == '.') {
            fractionEnd = digits(integerEnd + 1);
        }
        if (integerEnd == i && fractionEnd <= integerEnd + 1) {
            return -1;
        }
        i = fractionEnd;
        if (i < text.length() && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            int j = i + 1;
            if (j < text.length() && (text.charAt(j) == '-' || text.charAt(j) == '+')) {
                j++;
            }
            int exponentEnd = digits(j);
            if (exponentEnd > j) {
                i = exponentEnd;
            }
        }
        return i;
    }

    private int digits(int from) {
        int i = from;
        while (i < text.length() && isDigit(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private int scanName() {
        int i = index;
        while (i < text.length() && isNamePart(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private Token take(Token.Kind kind, int end, Position at) {
        String tokenText = text.substring(index, end);
        column += end - index;
        index = end;
        return new Token(kind, tokenText, at);
    }

    private void skipWhitespace() {
        while (index < text.length() && Character.isWhitespace(text.charAt(index))) {
            if (text.charAt(index) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
            index++;
        }
    }

    private char peek(int ahead) {
        int i = index + ahead;
        return i < text.length() ? text.charAt(i) : '\0';
    }

    private static boolean startsNumber(char first, char second) {
        return isDigit(first) || (first == '.' && isDigit(second));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isNameStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || isDigit(c);
    }
}
