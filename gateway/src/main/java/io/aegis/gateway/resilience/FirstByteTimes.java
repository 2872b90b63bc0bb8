package io.aegis.gateway.resilience;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Recent times to first byte of one upstream target, for a hedge delay set as a percentile: a ring
 * of the last samples, written lock-free by every loop. The percentile is computed at most once per
 * interval by whichever thread asks first after it has passed; others read the last value.
 */
public final class FirstByteTimes {
    private static final int SAMPLES = 512;
    private static final long RECOMPUTE_NANOS = 500_000_000L;
    /** Fewer samples than this and no percentile is claimed. */
    public static final int MIN_SAMPLES = 20;

    private final AtomicLongArray ring = new AtomicLongArray(SAMPLES);
    private final AtomicInteger written = new AtomicInteger();
    private final AtomicLong computedAt = new AtomicLong(Long.MIN_VALUE);
    private volatile long[] percentiles = new long[0];

    public void record(long nanos) {
        int slot = written.getAndIncrement();
        ring.set(Math.floorMod(slot, SAMPLES), Math.max(1, nanos));
    }

    /**
     * The {@code percentile} (1 to 99) of the recent samples in nanoseconds, or -1 while there are
     * fewer than {@link #MIN_SAMPLES}.
     */
    public long percentileNanos(int percentile, long nowNanos) {
        long last = computedAt.get();
        if ((last == Long.MIN_VALUE || nowNanos - last >= RECOMPUTE_NANOS) && computedAt.compareAndSet(last, nowNanos)) {
            int n = Math.min(SAMPLES, written.get());
            long[] sorted = new long[n]; // twice a second at most
            int filled = 0;
            for (int i = 0; i < n; i++) {
                long v = ring.get(i);
                if (v > 0) {
                    sorted[filled++] = v;
                }
            }
            Arrays.sort(sorted, 0, filled);
            percentiles = filled < MIN_SAMPLES ? new long[0] : Arrays.copyOf(sorted, filled);
        }
        long[] values = percentiles;
        if (values.length == 0) {
            return -1;
        }
        int index = (int) Math.min(values.length - 1, Math.ceil(percentile / 100.0 * values.length) - 1);
        return values[Math.max(0, index)];
    }
}
