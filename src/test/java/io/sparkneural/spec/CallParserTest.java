package io.sparkneural.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The generic call tree that every layer (conv2d, lstm, bidirectional, ...) is read from. */
class CallParserTest {

    @Test
    void readsPositionalKeywordSizeAndNestedValuesWithPositions() {
        List<Call> calls = CallParser.parseSequence("conv2d(32, 3x3, relu, padding=same)\nbidirectional(lstm(64, return_sequences=true))");

        Call conv = calls.get(0);
        assertEquals("conv2d", conv.name());
        assertEquals(new Position(1, 1), conv.at());
        assertEquals(new Value.Number(32, "32", new Position(1, 8)), conv.positional().get(0));
        assertEquals(new Value.Size(List.of(3, 3), "3x3", new Position(1, 12)), conv.positional().get(1));
        assertEquals(new Value.Name("relu", new Position(1, 17)), conv.positional().get(2));
        assertEquals(new Call.Keyword("padding", new Position(1, 23), new Value.Name("same", new Position(1, 31))),
                conv.keywords().get(0));

        Call bidirectional = calls.get(1);
        assertEquals(new Position(2, 1), bidirectional.at());
        Call lstm = ((Value.Nested) bidirectional.positional().get(0)).call();
        assertEquals("lstm", lstm.name());
        assertEquals(new Position(2, 15), lstm.at());
        assertEquals(new Value.Name("true", new Position(2, 41)), lstm.keywords().get(0).value());
    }

    @Test
    void readsBareNamesAndEmptyParenthesesAsCallsWithoutArguments() {
        List<Call> calls = CallParser.parseSequence("flatten maxpool2d() dense(1)");

        assertEquals(new Call("flatten", new Position(1, 1), List.of(), List.of(), true), calls.get(0));
        assertEquals(new Call("maxpool2d", new Position(1, 9), List.of(), List.of(), false), calls.get(1));
    }

    @Test
    void tokenizesSizesNumbersNamesAndArrows() {
        List<Token> tokens = Tokenizer.tokenize("maxpool2d(2X2x3) -> a_1(-1.5e-3, +.5)");

        assertEquals(List.of(Token.Kind.NAME, Token.Kind.OPEN, Token.Kind.SIZE, Token.Kind.CLOSE, Token.Kind.ARROW,
                Token.Kind.NAME, Token.Kind.OPEN, Token.Kind.NUMBER, Token.Kind.COMMA, Token.Kind.NUMBER, Token.Kind.CLOSE,
                Token.Kind.END), tokens.stream().map(Token::kind).toList());
        assertEquals("2X2x3", tokens.get(2).text());
        assertEquals("-1.5e-3", tokens.get(7).text());
        assertEquals(new Position(1, 38), tokens.get(11).at());
    }

    @Test
    void sizesBecomeDimensions() {
        Value value = CallParser.parseValue("2x3x4", Position.START, "size");

        assertEquals(List.of(2, 3, 4), ((Value.Size) value).dimensions());
    }

    @Test
    void rejectsMalformedSizesAndNumbers() {
        assertEquals("malformed number '3x3x' at 1:1",
                assertThrows(SpecParseException.class, () -> Tokenizer.tokenize("3x3x")).getMessage());
        assertEquals("malformed number '-3x3' at 1:1",
                assertThrows(SpecParseException.class, () -> Tokenizer.tokenize("-3x3")).getMessage());
        assertEquals("size '99999999999x2' is too large at 1:1",
                assertThrows(SpecParseException.class,
                        () -> CallParser.parseValue("99999999999x2", Position.START, "size")).getMessage());
        assertEquals("unexpected character '-' at 1:1",
                assertThrows(SpecParseException.class, () -> Tokenizer.tokenize("- 1")).getMessage());
    }

    @Test
    void valuesCanStartInsideALargerDocument() {
        Value value = CallParser.parseValue("leaky_relu(0.1)", new Position(4, 20), "activation");

        Call call = ((Value.Nested) value).call();
        assertEquals(new Position(4, 20), call.at());
        assertEquals(new Position(4, 31), call.positional().get(0).at());
        assertTrue(CallParser.parseValue(" ", Position.START, "activation") == null);
    }
}
