package io.aegis.gateway.proxy;

/**
 * When things happened to one request, in {@link NanoClock} terms; 0 for what has not happened.
 * The gateway's own time ({@code t_overhead}) runs from {@link #acceptedNanos} to
 * {@link #upstreamRequestedNanos}.
 */
public final class ExchangeTimings {
    long acceptedNanos;
    /** When the gateway was done with the request and asked for an upstream connection. */
    long upstreamRequestedNanos;
    long upstreamConnectedNanos;
    /** The first byte of the answer the caller got (the winner's, or a passed-on error's). */
    long firstByteNanos;
    /** A streamed answer's first content event (the first token) went through the relay. */
    long firstTokenNanos;
    long lastByteNanos;

    void reset(long acceptedNanos) {
        this.acceptedNanos = acceptedNanos;
        upstreamRequestedNanos = 0;
        upstreamConnectedNanos = 0;
        firstByteNanos = 0;
        firstTokenNanos = 0;
        lastByteNanos = 0;
    }

    public long acceptedNanos() {
        return acceptedNanos;
    }

    /** When the gateway asked for an upstream connection, or 0 when the request never went upstream. */
    public long upstreamRequestedNanos() {
        return upstreamRequestedNanos;
    }

    /** 0 when no upstream connection was made. */
    public long upstreamConnectedNanos() {
        return upstreamConnectedNanos;
    }

    /** 0 when no response byte came from upstream. */
    public long firstByteNanos() {
        return firstByteNanos;
    }

    /** 0 when no streamed content came (a whole body, an error, a stream cut before its first token). */
    public long firstTokenNanos() {
        return firstTokenNanos;
    }

    public long lastByteNanos() {
        return lastByteNanos;
    }
}
