package io.aegis.gateway.usage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Anthropic usage, from a non-stream {@code message} body or from SSE event payloads: input and cache
 * counts from {@code message_start.message.usage}, output from the last {@code message_delta.usage}
 * (cumulative, so never added up), and {@code error} events. Fields may come in any order, so the
 * event's numbers are held until its object closes and its {@code type} is known.
 */
final class AnthropicUsageVisitor implements JsonTokenVisitor {
    private static final int TYPE_OTHER = 0;
    private static final int TYPE_MESSAGE = 1;
    private static final int TYPE_MESSAGE_START = 2;
    private static final int TYPE_MESSAGE_DELTA = 3;
    private static final int TYPE_ERROR = 4;

    private final JsonPath path = new JsonPath();
    private final Usage usage;
    private int type;
    private long input = -1;
    private long output = -1;
    private long cacheRead = -1;
    private long cacheWrite = -1;
    private long cacheWrite1h = -1;
    private String errorType;

    AnthropicUsageVisitor(Usage usage) {
        this.usage = usage;
    }

    @Override
    public void token(JsonToken token, JsonParser parser) throws IOException {
        if (path.advance(token, parser)) {
            commit();
            return;
        }
        int depth = path.depth();
        if (token == JsonToken.VALUE_NUMBER_INT) {
            // usage.* at the root (message, message_delta) or message.usage.* (message_start).
            boolean rootUsage = depth == 2 && path.is(1, "usage");
            boolean messageUsage = depth == 3 && path.is(1, "message") && path.is(2, "usage");
            if (rootUsage || messageUsage) {
                String field = path.name(depth);
                long value = parser.getLongValue();
                if ("input_tokens".equals(field)) {
                    input = value;
                } else if ("output_tokens".equals(field)) {
                    output = value;
                } else if ("cache_read_input_tokens".equals(field)) {
                    cacheRead = value;
                } else if ("cache_creation_input_tokens".equals(field)) {
                    cacheWrite = value;
                }
            } else if ((depth == 3 && path.is(1, "usage") || depth == 4 && path.is(1, "message") && path.is(2, "usage"))
                    && path.is(depth - 1, "cache_creation") && "ephemeral_1h_input_tokens".equals(path.name(depth))) {
                // The split of cache writes by lifetime: 1-hour writes cost more than 5-minute ones.
                cacheWrite1h = parser.getLongValue();
            }
        } else if (token == JsonToken.VALUE_STRING) {
            if (depth == 1 && path.is(1, "type")) {
                type = typeOf(parser);
            } else if (depth == 2 && path.is(1, "error") && path.is(2, "type")) {
                errorType = parser.getText();
            }
        }
    }

    private static int typeOf(JsonParser parser) throws IOException {
        if (JsonTokenVisitor.textEquals(parser, "message_delta")) {
            return TYPE_MESSAGE_DELTA;
        }
        if (JsonTokenVisitor.textEquals(parser, "message_start")) {
            return TYPE_MESSAGE_START;
        }
        if (JsonTokenVisitor.textEquals(parser, "message")) {
            return TYPE_MESSAGE;
        }
        if (JsonTokenVisitor.textEquals(parser, "error")) {
            return TYPE_ERROR;
        }
        return TYPE_OTHER;
    }

    private void commit() {
        switch (type) {
            case TYPE_MESSAGE:
            case TYPE_MESSAGE_START:
                if (input >= 0 || output >= 0 || cacheRead >= 0 || cacheWrite >= 0) {
                    usage.seen = true;
                    usage.inputTokens = Math.max(0, input);
                    usage.cacheReadTokens = Math.max(0, cacheRead);
                    usage.cacheWriteTokens = Math.max(0, cacheWrite);
                    usage.cacheWrite1hTokens = Math.min(usage.cacheWriteTokens, Math.max(0, cacheWrite1h));
                    usage.outputTokens = Math.max(0, output);
                }
                break;
            case TYPE_MESSAGE_DELTA:
                // Cumulative: the latest delta's count replaces the earlier one.
                if (output >= 0) {
                    usage.seen = true;
                    usage.outputTokens = output;
                }
                break;
            case TYPE_ERROR:
                usage.streamError = true;
                usage.streamErrorType = errorType;
                break;
            default:
                break;
        }
        resetValue();
    }

    @Override
    public void resetValue() {
        path.reset();
        type = TYPE_OTHER;
        input = -1;
        output = -1;
        cacheRead = -1;
        cacheWrite = -1;
        cacheWrite1h = -1;
        errorType = null;
    }
}
