package io.aegis.mock;

/**
 * How the mock behaves for every request.
 *
 * @param latencyMs      delay before the first response byte
 * @param chunkDelayMs   delay between streamed chunks
 * @param retryAfterMs   the wait a 429 asks for (both {@code retry-after-ms} and, rounded up, {@code retry-after})
 * @param faults         faults for a share of requests, besides those requests ask for
 */
public record MockOptions(long latencyMs, long chunkDelayMs, long retryAfterMs, FaultPlan faults) {
    /** Default wait a mocked 429 asks for: short, so that SDK retries in tests and demos stay quick. */
    public static final long DEFAULT_RETRY_AFTER_MS = 50;
    /** Default first-byte delay of the {@code slow_first_byte} fault. */
    public static final long DEFAULT_SLOW_FIRST_BYTE_MS = 3_000;
    /** Default per-chunk delay of the {@code slow_drip} fault. */
    public static final long DEFAULT_SLOW_DRIP_MS = 200;

    public static MockOptions defaults() {
        return new MockOptions(0, 0, DEFAULT_RETRY_AFTER_MS, FaultPlan.none());
    }
}
