package io.aegis.gateway.proxy;

import io.aegis.gateway.config.Timeouts;

/**
 * The exchange-wide time limits as deadlines in {@link NanoClock} terms: total (from the
 * request accepted) and idle (between response reads, once a response is relayed). Each attempt
 * keeps its own first-byte deadline ({@link UpstreamAttempt}).
 */
final class ExchangeDeadlines {
    /** Which limit ran out. */
    enum Expired { NONE, IDLE, TOTAL }

    private long idleNs;
    private long firstByteNs;
    private long connectMs;
    private long totalDeadlineNs;
    private long lastReadNs;
    private boolean streaming;

    void start(Timeouts timeouts, long acceptedNs) {
        firstByteNs = timeouts.firstByteMs() * 1_000_000L;
        idleNs = timeouts.idleMs() * 1_000_000L;
        connectMs = timeouts.connectMs();
        totalDeadlineNs = acceptedNs + timeouts.totalMs() * 1_000_000L;
        streaming = false;
    }

    /** The time an attempt may wait for its first response byte, from its request written. */
    long firstByteNanos() {
        return firstByteNs;
    }

    int connectMillis() {
        return (int) Math.min(Integer.MAX_VALUE, connectMs);
    }

    long totalDeadlineNanos() {
        return totalDeadlineNs;
    }

    void responseRead(long nowNs) {
        streaming = true;
        lastReadNs = nowNs;
    }

    void stop() {
        streaming = false;
    }

    Expired check(long nowNs) {
        if (nowNs - totalDeadlineNs >= 0) {
            return Expired.TOTAL;
        }
        if (streaming && nowNs - (lastReadNs + idleNs) >= 0) {
            return Expired.IDLE;
        }
        return Expired.NONE;
    }

    /** The earliest of the total and (while relaying) idle deadlines. */
    long nextDeadlineNanos() {
        long next = totalDeadlineNs;
        if (streaming && lastReadNs + idleNs - next < 0) {
            next = lastReadNs + idleNs;
        }
        return next;
    }
}
