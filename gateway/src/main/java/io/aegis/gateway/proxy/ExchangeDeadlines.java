package io.aegis.gateway.proxy;

import io.aegis.gateway.config.Timeouts;

/**
 * The time limits of one exchange as deadlines in {@link System#nanoTime()} terms: first byte (from
 * the request written), idle (between response reads) and total (from the request accepted). One
 * timer serves them all: it is scheduled for the earliest deadline and re-armed when it fires early.
 */
final class ExchangeDeadlines {
    /** Which limit ran out. */
    enum Expired { NONE, FIRST_BYTE, IDLE, TOTAL }

    private long firstByteNs;
    private long idleNs;
    private long totalDeadlineNs;
    private long firstByteDeadlineNs;
    private long lastReadNs;
    private boolean awaitingFirstByte;
    private boolean streaming;

    void start(Timeouts timeouts, long acceptedNs) {
        firstByteNs = timeouts.firstByteMs() * 1_000_000L;
        idleNs = timeouts.idleMs() * 1_000_000L;
        totalDeadlineNs = acceptedNs + timeouts.totalMs() * 1_000_000L;
        awaitingFirstByte = false;
        streaming = false;
    }

    void requestSent(long nowNs) {
        awaitingFirstByte = true;
        firstByteDeadlineNs = nowNs + firstByteNs;
    }

    void responseRead(long nowNs) {
        awaitingFirstByte = false;
        streaming = true;
        lastReadNs = nowNs;
    }

    void stop() {
        awaitingFirstByte = false;
        streaming = false;
    }

    Expired check(long nowNs) {
        if (nowNs - totalDeadlineNs >= 0) {
            return Expired.TOTAL;
        }
        if (awaitingFirstByte && nowNs - firstByteDeadlineNs >= 0) {
            return Expired.FIRST_BYTE;
        }
        if (streaming && nowNs - (lastReadNs + idleNs) >= 0) {
            return Expired.IDLE;
        }
        return Expired.NONE;
    }

    /** Nanoseconds from {@code nowNs} to the earliest deadline still pending. */
    long nanosToNext(long nowNs) {
        long next = totalDeadlineNs - nowNs;
        if (awaitingFirstByte) {
            next = Math.min(next, firstByteDeadlineNs - nowNs);
        } else if (streaming) {
            next = Math.min(next, lastReadNs + idleNs - nowNs);
        } else {
            // Still connecting: the connect timeout covers it; look again at the first-byte horizon.
            next = Math.min(next, firstByteNs);
        }
        return Math.max(next, 1_000_000L);
    }
}
