package io.sparkneural.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the call grammar:
 * <pre>
 *   sequence := call ( [',' | '-&gt;'] call )*
 *   call     := NAME [ '(' [ argument ( ',' argument )* ] ')' ]
 *   argument := NAME '=' value | value        (positional arguments come first)
 *   value    := NUMBER | SIZE | NAME | call
 * </pre>
 */
final class CallParser {

    private final List<Token> tokens;
    private int next;

    private CallParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** The layers of a compact layer specification; empty if the text is blank. */
    static List<Call> parseSequence(String text) {
        CallParser parser = new CallParser(Tokenizer.tokenize(text));
        List<Call> calls = new ArrayList<>();
        while (parser.peek().kind() != Token.Kind.END) {
            Token.Kind kind = parser.peek().kind();
            if (!calls.isEmpty() && (kind == Token.Kind.COMMA || kind == Token.Kind.ARROW)) {
                parser.advance();
            }
            Token token = parser.peek();
            if (token.kind() != Token.Kind.NAME) {
                throw token.at().error("expected a layer such as dense(10, softmax) but found " + token.describe());
            }
            calls.add(parser.call());
        }
        return calls;
    }

    /**
     * Exactly one call, such as an optimizer; null if the text is blank.
     *
     * @param noun what the call is, for messages: "optimizer"
     */
    static Call parseCall(String text, String noun) {
        CallParser parser = new CallParser(Tokenizer.tokenize(text));
        Token token = parser.peek();
        if (token.kind() == Token.Kind.END) {
            return null;
        }
        if (token.kind() != Token.Kind.NAME) {
            throw token.at().error("expected the name of the " + noun + " but found " + token.describe());
        }
        Call call = parser.call();
        parser.expectEnd(noun);
        return call;
    }

    /**
     * Exactly one value, such as an activation; null if the text is blank.
     *
     * @param origin where {@code text} starts in the document it comes from
     * @param noun what the value is, for messages: "activation"
     */
    static Value parseValue(String text, Position origin, String noun) {
        CallParser parser = new CallParser(Tokenizer.tokenize(text, origin));
        if (parser.peek().kind() == Token.Kind.END) {
            return null;
        }
        Value value = parser.value();
        parser.expectEnd(noun);
        return value;
    }

    private Call call() {
        Token name = advance();
        List<Value> positional = new ArrayList<>();
        List<Call.Keyword> keywords = new ArrayList<>();
        boolean bare = peek().kind() != Token.Kind.OPEN;
        if (!bare) {
            advance();
            if (peek().kind() == Token.Kind.CLOSE) {
                advance();
            } else {
                arguments(positional, keywords);
            }
        }
        return new Call(name.text(), name.at(), positional, keywords, bare);
    }

    private void arguments(List<Value> positional, List<Call.Keyword> keywords) {
        while (true) {
            if (peek().kind() == Token.Kind.NAME && peek(1).kind() == Token.Kind.EQUALS) {
                Token name = advance();
                advance();
                keywords.add(new Call.Keyword(name.text(), name.at(), value()));
            } else if (keywords.isEmpty()) {
                positional.add(value());
            } else {
                throw peek().at().error("positional argument follows keyword argument", "; write it as name=value");
            }
            Token separator = advance();
            if (separator.kind() == Token.Kind.CLOSE) {
                return;
            }
            if (separator.kind() == Token.Kind.END) {
                throw separator.at().error("expected ')' but found end of input");
            }
            if (separator.kind() != Token.Kind.COMMA) {
                throw separator.at().error("expected ',' or ')' but found " + separator.describe());
            }
        }
    }

    private Value value() {
        Token token = peek();
        if (token.kind() == Token.Kind.NAME && peek(1).kind() == Token.Kind.OPEN) {
            return new Value.Nested(call());
        }
        return switch (advance().kind()) {
            case NUMBER -> new Value.Number(Double.parseDouble(token.text()), token.text(), token.at());
            case SIZE -> new Value.Size(dimensions(token), token.text(), token.at());
            case NAME -> new Value.Name(token.text(), token.at());
            default -> throw token.at().error("expected an argument but found " + token.describe());
        };
    }

    private static List<Integer> dimensions(Token size) {
        List<Integer> dimensions = new ArrayList<>();
        for (String part : size.text().split("[xX]")) {
            try {
                dimensions.add(Integer.parseInt(part));
            } catch (NumberFormatException e) {
                throw size.at().error("size '" + size.text() + "' is too large");
            }
        }
        return dimensions;
    }

    private void expectEnd(String noun) {
        Token token = peek();
        if (token.kind() != Token.Kind.END) {
            throw token.at().error("expected end of input after the " + noun + " but found " + token.describe());
        }
    }

    private Token peek() {
        return peek(0);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(next + ahead, tokens.size() - 1));
    }

    private Token advance() {
        Token token = peek();
        if (token.kind() != Token.Kind.END) {
            next++;
        }
        return token;
    }
}
