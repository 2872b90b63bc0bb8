package io.aegis.gateway.request;

import io.aegis.wire.Operation;
import io.aegis.wire.Provider;
import java.util.Arrays;

/**
 * What the gateway knows about one request after parsing its body once. Message text is not
 * copied: {@link #textSpanCount()} spans give the byte ranges of the JSON string contents (between
 * the quotes, escapes included) in the raw body, in document order. One instance per connection,
 * reset for each request.
 */
public final class RequestFacts {
    private Operation operation;
    private String model;
    private boolean stream;
    private long maxOutputTokens;
    private int bodyBytes;
    private long textChars;
    private int[] spans = new int[32];
    private int spanCount;
    /** Raw byte span of the body's "model" string value (between its quotes); -1 when the model is not in the body. */
    private int modelStart = -1;
    private int modelEnd = -1;

    /** Forgets the previous request. */
    public void reset(Operation operation, String pathModel, int bodyBytes) {
        this.modelStart = -1;
        this.modelEnd = -1;
        this.operation = operation;
        this.model = pathModel;
        this.stream = operation != null && operation.alwaysStreams();
        this.maxOutputTokens = -1;
        this.bodyBytes = bodyBytes;
        this.textChars = 0;
        this.spanCount = 0;
    }

    void model(String model) {
        this.model = model;
    }

    void modelSpan(int start, int end) {
        this.modelStart = start;
        this.modelEnd = end;
    }

    /** Start of the body's model string (after the opening quote), or -1 when the model is in the path. */
    public int modelStart() {
        return modelStart;
    }

    /** End of the body's model string (at the closing quote). */
    public int modelEnd() {
        return modelEnd;
    }

    void stream(boolean stream) {
        this.stream = stream;
    }

    void maxOutputTokens(long maxOutputTokens) {
        this.maxOutputTokens = maxOutputTokens;
    }

    void addTextSpan(int startByte, int endByte, int chars) {
        if (2 * spanCount + 2 > spans.length) {
            spans = Arrays.copyOf(spans, spans.length * 2);
        }
        spans[2 * spanCount] = startByte;
        spans[2 * spanCount + 1] = endByte;
        spanCount++;
        textChars += chars;
    }

    public Operation operation() {
        return operation;
    }

    public Provider provider() {
        return operation == null ? null : operation.provider();
    }

    /** The model from the body (Anthropic) or the path (Gemini). */
    public String model() {
        return model;
    }

    /** True when the response will stream. */
    public boolean stream() {
        return stream;
    }

    /** {@code max_tokens} or {@code generationConfig.maxOutputTokens}, or -1 when not given. */
    public long maxOutputTokens() {
        return maxOutputTokens;
    }

    public int bodyBytes() {
        return bodyBytes;
    }

    /** Decoded length, in UTF-16 code units, of all message text: the input to token estimates. */
    /**
     * Prompt tokens estimated from the message text: about four characters a token for English
     * prose (rule conditions and reservations use it; the provider's count settles).
     */
    public long estimatedInputTokens() {
        return (textChars + 3) / 4;
    }

    public long textChars() {
        return textChars;
    }

    public int textSpanCount() {
        return spanCount;
    }

    /** Start byte (inclusive) of span {@code i} in the raw body. */
    public int textSpanStart(int i) {
        return spans[2 * i];
    }

    /** End byte (exclusive) of span {@code i} in the raw body. */
    public int textSpanEnd(int i) {
        return spans[2 * i + 1];
    }
}
