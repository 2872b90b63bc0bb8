package io.aegis.gateway.usage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Gemini usage from a response object, from SSE chunk payloads, or from the elements of a streamed
 * JSON array. Each chunk's {@code usageMetadata} replaces the previous one (the last chunk's counts
 * are the totals; summing across chunks is the bug to avoid). {@code cachedContentTokenCount} is a
 * part of {@code promptTokenCount} and is subtracted to keep the input counts disjoint.
 */
final class GeminiUsageVisitor implements JsonTokenVisitor {
    private final JsonPath path = new JsonPath();
    private final Usage usage;
    /** 1 when the root value is an array of responses (streamGenerateContent without alt=sse). */
    private int base;
    private boolean sawUsage;
    private long prompt;
    private long candidates;
    private long thoughts;
    private long cached;
    private long toolUsePrompt;
    private String errorStatus;
    private boolean sawError;

    GeminiUsageVisitor(Usage usage) {
        this.usage = usage;
    }

    @Override
    public void token(JsonToken token, JsonParser parser) throws IOException {
        if (path.depth() == 0 && token == JsonToken.START_ARRAY) {
            base = 1;
        }
        boolean rootClosed = path.advance(token, parser);
        int depth = path.depth() - base;
        if (rootClosed || (base == 1 && depth == 0 && token == JsonToken.END_OBJECT)) {
            commit();
            if (rootClosed) {
                base = 0;
                path.reset();
            }
            return;
        }
        if (token == JsonToken.VALUE_NUMBER_INT && depth == 2 && path.is(base + 1, "usageMetadata")) {
            String field = path.name(base + 2);
            long value = parser.getLongValue();
            sawUsage = true;
            if ("promptTokenCount".equals(field)) {
                prompt = value;
            } else if ("candidatesTokenCount".equals(field)) {
                candidates = value;
            } else if ("thoughtsTokenCount".equals(field)) {
                thoughts = value;
            } else if ("cachedContentTokenCount".equals(field)) {
                cached = value;
            } else if ("toolUsePromptTokenCount".equals(field)) {
                toolUsePrompt = value;
            }
        } else if (depth >= 1 && path.is(base + 1, "error")) {
            sawError = true;
            if (token == JsonToken.VALUE_STRING && depth == 2 && path.is(base + 2, "status")) {
                errorStatus = parser.getText();
            }
        }
    }

    private void commit() {
        if (sawUsage) {
            usage.seen = true;
            usage.inputTokens = Math.max(0, prompt - cached) + toolUsePrompt;
            usage.cacheReadTokens = cached;
            usage.cacheWriteTokens = 0;
            usage.outputTokens = candidates + thoughts;
            usage.thoughtsTokens = thoughts;
        }
        if (sawError) {
            usage.streamError = true;
            usage.streamErrorType = errorStatus;
        }
        clearElement();
    }

    private void clearElement() {
        sawUsage = false;
        prompt = 0;
        candidates = 0;
        thoughts = 0;
        cached = 0;
        toolUsePrompt = 0;
        sawError = false;
        errorStatus = null;
    }

    @Override
    public void resetValue() {
        path.reset();
        base = 0;
        clearElement();
    }
}
