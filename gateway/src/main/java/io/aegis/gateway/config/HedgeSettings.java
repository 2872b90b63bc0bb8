package io.aegis.gateway.config;

/**
 * Hedged requests (opt-in): when no response byte has arrived by the delay, a second attempt goes to
 * the next target and whichever answers first is used.
 *
 * @param delayMs    the fixed delay, or the fallback while too few first-byte times are known
 * @param percentile when above 0, the delay is this percentile of the target's recent times to
 *                   first byte (for example 95), so that only the slowest requests are hedged
 * @param minDelayMs the least delay when it comes from the percentile
 */
public record HedgeSettings(long delayMs, int percentile, long minDelayMs) {
}
