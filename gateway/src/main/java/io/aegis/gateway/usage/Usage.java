package io.aegis.gateway.usage;

/**
 * Token counts of one response, normalised across providers so that the input counts are disjoint:
 * {@code inputTokens} excludes cache reads and writes (Gemini's {@code promptTokenCount} includes its
 * cached tokens, so they are subtracted), and {@code outputTokens} includes Gemini's thoughts, which
 * are billed at the output price. A count the response never gave stays 0; {@link #seen()} says
 * whether any usage was read at all.
 */
public final class Usage {
    long inputTokens;
    long outputTokens;
    long cacheReadTokens;
    long cacheWriteTokens;
    long cacheWrite1hTokens;
    long thoughtsTokens;
    boolean seen;
    boolean streamError;
    String streamErrorType;

    public void reset() {
        inputTokens = 0;
        outputTokens = 0;
        cacheReadTokens = 0;
        cacheWriteTokens = 0;
        cacheWrite1hTokens = 0;
        thoughtsTokens = 0;
        seen = false;
        streamError = false;
        streamErrorType = null;
    }

    /** Uncached input tokens. */
    public long inputTokens() {
        return inputTokens;
    }

    /** Output tokens, thoughts included. */
    public long outputTokens() {
        return outputTokens;
    }

    public long cacheReadTokens() {
        return cacheReadTokens;
    }

    public long cacheWriteTokens() {
        return cacheWriteTokens;
    }

    /** Of {@link #cacheWriteTokens()}, those written for one hour (Anthropic's {@code ttl: 1h}), billed higher. */
    public long cacheWrite1hTokens() {
        return cacheWrite1hTokens;
    }

    /** Gemini thinking tokens (already inside {@link #outputTokens()}). */
    public long thoughtsTokens() {
        return thoughtsTokens;
    }

    /** True once any usage object was read. */
    public boolean seen() {
        return seen;
    }

    /** True when the body carried the provider's in-stream error event. */
    public boolean streamError() {
        return streamError;
    }

    /** The provider's error type or status from the in-stream error, or {@code null}. */
    public String streamErrorType() {
        return streamErrorType;
    }

    @Override
    public String toString() {
        return "Usage[in=" + inputTokens + " out=" + outputTokens + " cacheRead=" + cacheReadTokens
                + " cacheWrite=" + cacheWriteTokens + " thoughts=" + thoughtsTokens + " seen=" + seen
                + (streamError ? " streamError=" + streamErrorType : "") + "]";
    }
}
