package io.aegis.gateway.request;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.aegis.wire.Operation;
import io.aegis.wire.Provider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;

/**
 * Reads a request body once with jackson-core streaming and fills {@link RequestFacts}. It reads only
 * the fields the gateway needs and records where message text lies; everything else (tool schemas,
 * base64 media, ids) is skipped without being decoded. Only message text is recorded (pii/README.md):
 * Anthropic {@code system} and {@code messages[].content} text (tool results included), Gemini
 * {@code systemInstruction} and {@code contents[].parts[].text} (and the embedding request forms).
 */
public final class RequestBodyParser {
    /** Nesting limit: far beyond any real request, low enough to stop a stack-exhaustion body. */
    static final int MAX_NESTING = 256;

    private static final int SEEN_MODEL = 1;
    private static final int SEEN_STREAM = 2;
    private static final int SEEN_MAX_TOKENS = 4;

    private final JsonFactory json;

    /** A parser for bodies up to {@code maxBodyBytes}; string lengths are bounded by the body limit. */
    public RequestBodyParser(int maxBodyBytes) {
        json = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(Math.max(maxBodyBytes, StreamReadConstraints.DEFAULT_MAX_STRING_LEN))
                        .maxNestingDepth(MAX_NESTING)
                        .build())
                .build();
    }

    /**
     * Parses {@code body} (all readable bytes) for {@code operation}.
     *
     * @return {@code null} on success, else a message for a 400 that names no request content
     */
    public String parse(ByteBuf body, Operation operation, String pathModel, RequestFacts facts) {
        facts.reset(operation, pathModel, body.readableBytes());
        if (body.readableBytes() == 0) {
            return "request body is empty; send a JSON object";
        }
        try (JsonParser parser = open(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return "request body must be a JSON object";
            }
            String problem = operation.provider() == Provider.ANTHROPIC
                    ? anthropicRequest(parser, facts) : geminiRequest(parser, facts);
            if (problem != null) {
                return problem;
            }
            if (parser.nextToken() != null) {
                return "request body has content after the JSON object";
            }
            if (operation.modelInBody() && (facts.model() == null || facts.model().isEmpty())) {
                return "model: field required";
            }
            return null;
        } catch (StreamConstraintsException e) {
            return "request body is nested or sized beyond what the gateway accepts";
        } catch (IOException e) {
            // Jackson's own message may quote the body; report only the position.
            return "request body is not valid JSON" + position(e);
        }
    }

    private JsonParser open(ByteBuf body) throws IOException {
        if (body.hasArray()) {
            return json.createParser(body.array(), body.arrayOffset() + body.readerIndex(), body.readableBytes());
        }
        return json.createParser((java.io.InputStream) new ByteBufInputStream(body.duplicate()));
    }

    private static String anthropicRequest(JsonParser p, RequestFacts facts) throws IOException {
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "model":
                    if ((seen & SEEN_MODEL) != 0) {
                        return "model: given twice";
                    }
                    seen |= SEEN_MODEL;
                    if (value != JsonToken.VALUE_STRING) {
                        return "model: must be a string";
                    }
                    facts.model(p.getText());
                    facts.modelSpan((int) p.currentTokenLocation().getByteOffset() + 1,
                            (int) p.currentLocation().getByteOffset() - 1);
                    break;
                case "stream":
                    if ((seen & SEEN_STREAM) != 0) {
                        return "stream: given twice";
                    }
                    seen |= SEEN_STREAM;
                    if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
                        return "stream: must be true or false";
                    }
                    facts.stream(value == JsonToken.VALUE_TRUE);
                    break;
                case "max_tokens":
                    if ((seen & SEEN_MAX_TOKENS) != 0) {
                        return "max_tokens: given twice";
                    }
                    seen |= SEEN_MAX_TOKENS;
                    if (value != JsonToken.VALUE_NUMBER_INT) {
                        return "max_tokens: must be an integer";
                    }
                    facts.maxOutputTokens(p.getLongValue());
                    break;
                case "system":
                case "messages":
                    if (value == JsonToken.VALUE_STRING && name.equals("system")) {
                        text(p, facts);
                    } else if (value == JsonToken.START_ARRAY) {
                        if (name.equals("system")) {
                            anthropicBlocks(p, facts);
                        } else {
                            anthropicMessages(p, facts);
                        }
                    } else if (value != JsonToken.VALUE_NULL) {
                        return name + ": must be " + (name.equals("system") ? "a string or a list" : "a list");
                    }
                    break;
                default:
                    p.skipChildren();
            }
        }
        return null;
    }

    private static void anthropicMessages(JsonParser p, RequestFacts facts) throws IOException {
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("content")) {
                    anthropicContent(p, value, facts);
                } else {
                    p.skipChildren();
                }
            }
        }
    }

    /** A content value: a string, or a list of blocks. */
    private static void anthropicContent(JsonParser p, JsonToken value, RequestFacts facts) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            text(p, facts);
        } else if (value == JsonToken.START_ARRAY) {
            anthropicBlocks(p, facts);
        } else {
            p.skipChildren();
        }
    }

    /** Blocks: {@code text} of text blocks, and the nested {@code content} of tool results. */
    private static void anthropicBlocks(JsonParser p, RequestFacts facts) throws IOException {
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("text") && value == JsonToken.VALUE_STRING) {
                    text(p, facts);
                } else if (name.equals("content")) {
                    anthropicContent(p, value, facts);
                } else {
                    p.skipChildren();
                }
            }
        }
    }

    private static String geminiRequest(JsonParser p, RequestFacts facts) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "contents":
                    if (value == JsonToken.START_ARRAY) {
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            geminiContent(p, facts);
                        }
                    } else {
                        p.skipChildren();
                    }
                    break;
                case "systemInstruction":
                case "content":
                    geminiContent(p, facts);
                    break;
                case "generationConfig":
                    geminiGenerationConfig(p, facts);
                    break;
                case "generateContentRequest":
                    if (value == JsonToken.START_OBJECT) {
                        String problem = geminiRequest(p, facts);
                        if (problem != null) {
                            return problem;
                        }
                    } else {
                        p.skipChildren();
                    }
                    break;
                case "requests":
                    if (value == JsonToken.START_ARRAY) {
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            String problem = geminiRequest(p, facts);
                            if (problem != null) {
                                return problem;
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                    break;
                default:
                    p.skipChildren();
            }
        }
        return null;
    }

    /** A Content object ({@code parts[].text}); the current token is its first token. */
    private static void geminiContent(JsonParser p, RequestFacts facts) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("parts") && value == JsonToken.START_ARRAY) {
                JsonToken part;
                while ((part = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (part != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        continue;
                    }
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String partField = p.currentName();
                        JsonToken partValue = p.nextToken();
                        if (partField.equals("text") && partValue == JsonToken.VALUE_STRING) {
                            text(p, facts);
                        } else {
                            p.skipChildren();
                        }
                    }
                }
            } else {
                p.skipChildren();
            }
        }
    }

    private static void geminiGenerationConfig(JsonParser p, RequestFacts facts) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("maxOutputTokens") && value == JsonToken.VALUE_NUMBER_INT) {
                facts.maxOutputTokens(p.getLongValue());
            } else {
                p.skipChildren();
            }
        }
    }

    /** Records the current string token's raw byte span (between its quotes) and decoded length. */
    private static void text(JsonParser p, RequestFacts facts) throws IOException {
        long open = p.currentTokenLocation().getByteOffset();
        int chars = p.getTextLength();
        long afterClose = p.currentLocation().getByteOffset();
        facts.addTextSpan((int) open + 1, (int) afterClose - 1, chars);
    }

    private static String position(IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException) {
            JsonLocation location = ((com.fasterxml.jackson.core.JsonProcessingException) e).getLocation();
            if (location != null && location.getLineNr() > 0) {
                return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
            }
        }
        return "";
    }
}
