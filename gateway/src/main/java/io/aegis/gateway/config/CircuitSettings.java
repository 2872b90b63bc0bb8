package io.aegis.gateway.config;

/**
 * When a circuit breaker (per upstream target, and per provider key) opens and how it recovers.
 *
 * @param failureRatio   the share of failed attempts in the window that opens it
 * @param minRequests    attempts the window must hold before the ratio counts (few samples say little)
 * @param windowMs       the sliding window's length
 * @param openMs         how long it stays open before letting probes through
 * @param halfOpenProbes probes let through while half open; all must succeed to close it again
 */
public record CircuitSettings(double failureRatio, int minRequests, long windowMs, long openMs, int halfOpenProbes) {
    public static final CircuitSettings DEFAULT = new CircuitSettings(0.5, 20, 10_000, 5_000, 2);
}
