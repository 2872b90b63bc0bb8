package io.aegis.gateway.proxy;

import java.time.Instant;

/**
 * Wall-clock epoch nanoseconds for {@code System.nanoTime()} readings, from one pairing taken at
 * class load: nanosecond resolution and no allocation per call (a trace event's timestamp).
 */
final class WallClock {
    private static final long BASE_NANO_TIME;
    private static final long BASE_EPOCH_NANOS;

    static {
        Instant now = Instant.now();
        BASE_NANO_TIME = System.nanoTime();
        BASE_EPOCH_NANOS = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private WallClock() {
    }

    static long epochNanos(long nanoTime) {
        return BASE_EPOCH_NANOS + (nanoTime - BASE_NANO_TIME);
    }
}
