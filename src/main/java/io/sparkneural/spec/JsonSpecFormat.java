package io.sparkneural.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of a layer specification: {@code {"layers":[{"type":"dense","units":10}, ...]}} or a
 * bare array of layer objects. Layer objects are read into the same {@link Call}s as the compact
 * text (their fields become keyword arguments), so both forms are checked by the same signatures.
 */
final class JsonSpecFormat {

    private static final JsonFactory JSON = new JsonFactory();
    private static final String TYPE = "type";
    private static final String LAYERS = "layers";

    private JsonSpecFormat() {}

    /** @throws SpecParseException for malformed JSON or an unexpected shape, with Jackson's line and column */
    static List<Call> readLayers(String json) {
        try (JsonParser parser = JSON.createParser(json)) {
            JsonToken token = parser.nextToken();
            Position start = here(parser);
            List<Call> layers = null;
            if (token == JsonToken.START_ARRAY) {
                layers = readArray(parser);
            } else {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    Position fieldAt = here(parser);
                    String field = parser.currentName();
                    if (!field.equals(LAYERS)) {
                        throw fieldAt.error("unknown field '" + field + "'", "; allowed: " + LAYERS);
                    }
                    if (layers != null) {
                        throw fieldAt.error("duplicate field '" + LAYERS + "'");
                    }
                    if (parser.nextToken() != JsonToken.START_ARRAY) {
                        throw here(parser).error("\"layers\" must be an array of layer objects");
                    }
                    layers = readArray(parser);
                }
                if (layers == null) {
                    throw start.error("missing field \"layers\"",
                            ", e.g. {\"layers\":[{\"type\":\"dense\",\"units\":10,\"activation\":\"softmax\"}]}");
                }
            }
            if (parser.nextToken() != null) {
                throw here(parser).error("unexpected content after the layer specification");
            }
            return layers;
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            throw new SpecParseException("malformed JSON: " + withoutSource(e.getOriginalMessage()),
                    location == null ? 1 : location.getLineNr(), location == null ? 1 : location.getColumnNr());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JSON from a string", e);
        }
    }

    /** {@code {"layers":[...]}} with every argument written, defaults included. */
    static String writeLayers(List<LayerSpec> layers) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeArrayFieldStart(LAYERS);
            for (LayerSpec layer : layers) {
                writeLayer(json, layer);
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON to a string", e);
        }
        return out.toString();
    }

    /** One layer object, {@code {"type":"dense",...}}; also a layer nested in another, as bidirectional's. */
    static void writeLayer(JsonGenerator json, LayerSpec layer) throws IOException {
        LayerCatalog.LAYERS.writeJson(json, layer, TYPE);
    }

    private static List<Call> readArray(JsonParser parser) throws IOException {
        List<Call> calls = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                throw here(parser).error("expected a layer object such as {\"type\":\"dense\",\"units\":10} but found "
                        + parser.getText());
            }
            calls.add(readCall(parser));
        }
        return calls;
    }

    /** {@code {"type":"dense","units":64}} as the call {@code dense(units=64)}; the parser is on '{'. */
    private static Call readCall(JsonParser parser) throws IOException {
        Position objectAt = here(parser);
        String type = null;
        Position typeAt = null;
        List<Call.Keyword> keywords = new ArrayList<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            Position fieldAt = here(parser);
            String field = parser.currentName();
            JsonToken token = parser.nextToken();
            if (!field.equals(TYPE)) {
                keywords.add(new Call.Keyword(field, fieldAt, value(parser, field)));
            } else if (type != null) {
                throw fieldAt.error("duplicate field '" + TYPE + "'");
            } else if (token != JsonToken.VALUE_STRING) {
                throw here(parser).error("\"type\" must be a string such as \"dense\", but got " + parser.getText());
            } else {
                type = parser.getText();
                typeAt = inside(parser);
            }
        }
        if (type == null) {
            throw objectAt.error("missing field \"type\"", ", e.g. {\"type\":\"dense\",\"units\":10}");
        }
        return new Call(type, typeAt, List.of(), keywords);
    }

    private static Value value(JsonParser parser, String field) throws IOException {
        Position at = here(parser);
        return switch (parser.currentToken()) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT ->
                    new Value.Number(parser.getDoubleValue(), parser.getText(), at);
            case VALUE_TRUE, VALUE_FALSE -> new Value.Name(parser.getText(), at);
            case VALUE_STRING -> text(parser, field);
            case START_OBJECT -> new Value.Nested(readCall(parser));
            case VALUE_NULL ->
                    throw at.error("\"" + field + "\" must not be null", "; leave it out to use the default");
            default -> throw at.error(
                    "\"" + field + "\" must be a number, string, boolean or object, but got an array");
        };
    }

    /** "relu" or "leaky_relu(0.01)": a string value is read with the grammar of the compact text. */
    private static Value text(JsonParser parser, String field) throws IOException {
        Value value = CallParser.parseValue(parser.getText(), inside(parser), "\"" + field + "\" value");
        if (value == null) {
            throw here(parser).error("\"" + field + "\" must not be an empty string");
        }
        return value;
    }

    private static Position here(JsonParser parser) {
        JsonLocation location = parser.currentTokenLocation();
        return new Position(location.getLineNr(), location.getColumnNr());
    }

    /** The first character inside the current string token; exact unless the string has escapes. */
    private static Position inside(JsonParser parser) {
        return here(parser).plusColumns(1);
    }

    /** Jackson quotes the whole input in some messages; the position already says where. */
    private static String withoutSource(String message) {
        return message.replaceAll("(?s) \\(start marker at \\[Source: .*; line: (\\d+), column: (\\d+)\\]\\)",
                " (opened at $1:$2)");
    }
}
