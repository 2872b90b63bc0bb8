package io.aegis.gateway.proxy;

import io.aegis.trace.TraceEvent;

/**
 * What happened upstream for one request: attempts and retries, hedging, the worst circuit met, one
 * log entry per attempt ({@code [h]tTARGET/KEYID:RESULT}; key ids only, never keys), and the origin
 * that answered. The hedge and circuit codes are the trace event's.
 */
public final class AttemptRecord {
    /** A hedge was sent and is racing; never reaches a trace event (it ends lost or won). */
    static final byte HEDGE_SENT = 3;
    /** The log's bound, that of a trace event's text field. */
    static final int MAX_LOG = TraceEvent.MAX_TEXT;

    int count;
    /** Attempts that were retries (failover included; the stale-connection resend and the hedge not). */
    int retries;
    byte hedge;
    byte circuit;
    final StringBuilder log = new StringBuilder(MAX_LOG);
    /** The upstream origin used ({@code scheme://host:port}), or {@code null}. */
    String upstream;
    /** Attempts the provider answered with 429 (its own rate limit, not the gateway's). */
    int providerRateLimited;

    void reset() {
        count = 0;
        retries = 0;
        hedge = TraceEvent.HEDGE_NONE;
        circuit = TraceEvent.CIRCUIT_CLOSED;
        log.setLength(0);
        upstream = null;
        providerRateLimited = 0;
    }

    /** Notes a circuit met, keeping the worst (closed, then half open, then open). */
    void metCircuit(byte state) {
        circuit = (byte) Math.max(circuit, state);
    }

    /** Adds {@code [h]tTARGET/KEYID:} and returns the log for the result; {@code null} once the log is full. */
    StringBuilder entry(boolean hedged, int target, CharSequence keyId) {
        if (log.length() > MAX_LOG - 40) {
            return null;
        }
        if (log.length() > 0) {
            log.append(' ');
        }
        if (hedged) {
            log.append('h');
        }
        return log.append('t').append(target).append('/').append(keyId).append(':');
    }

    public int count() {
        return count;
    }

    public int retries() {
        return retries;
    }

    /** Attempts the provider answered with 429. */
    public int providerRateLimited() {
        return providerRateLimited;
    }

    /** {@code none}, {@code lost} (a hedge was sent and the first attempt won) or {@code won}. */
    public String hedge() {
        return TraceEvent.hedgeName(hedge == HEDGE_SENT ? TraceEvent.HEDGE_LOST : hedge);
    }

    /** {@code closed}, {@code half_open} (this request was a probe) or {@code open} (a target was skipped). */
    public String circuit() {
        return TraceEvent.circuitName(circuit);
    }

    /** Each attempt as {@code [h]tTARGET/KEYID:RESULT}, space-separated (key ids only). */
    public CharSequence log() {
        return log;
    }

    /** The upstream origin used ({@code scheme://host:port}), or {@code null}. */
    public String upstream() {
        return upstream;
    }
}
