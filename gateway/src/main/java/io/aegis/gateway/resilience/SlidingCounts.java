package io.aegis.gateway.resilience;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Two counters over a sliding time window, as a ring of time buckets. Lock-free: a bucket whose time
 * has passed is claimed by a compare-and-set of its epoch and cleared by the winner. A count racing
 * with that clearing may be lost; for failure ratios and retry budgets, an approximation of one event
 * in thousands is fine, and no lock is shared across event loops.
 */
final class SlidingCounts {
    private static final int FIELDS = 3;
    private final int buckets;
    private final long bucketNanos;
    /** Per bucket: epoch (bucket number since the clock's origin, +1 so that 0 means never), a, b. */
    private final AtomicLongArray cells;

    SlidingCounts(long windowNanos, int buckets) {
        this.buckets = buckets;
        this.bucketNanos = Math.max(1, windowNanos / buckets);
        this.cells = new AtomicLongArray(buckets * FIELDS);
    }

    void add(long nowNanos, long a, long b) {
        int base = bucket(nowNanos);
        if (a != 0) {
            cells.addAndGet(base + 1, a);
        }
        if (b != 0) {
            cells.addAndGet(base + 2, b);
        }
    }

    /** Sums over the window ending now: {@code [a, b]} into {@code out}. */
    void sum(long nowNanos, long[] out) {
        long epoch = epoch(nowNanos);
        long a = 0;
        long b = 0;
        for (int i = 0; i < buckets; i++) {
            long e = cells.get(i * FIELDS);
            if (e != 0 && epoch - e < buckets) {
                a += cells.get(i * FIELDS + 1);
                b += cells.get(i * FIELDS + 2);
            }
        }
        out[0] = a;
        out[1] = b;
    }

    /** Forgets everything (a circuit that closes starts a fresh window). */
    void clear() {
        for (int i = 0; i < cells.length(); i++) {
            cells.set(i, 0);
        }
    }

    private long epoch(long nowNanos) {
        // nanoTime may be negative; floorDiv keeps buckets contiguous, +1 keeps 0 free for "never".
        return Math.floorDiv(nowNanos, bucketNanos) + 1 + Long.MAX_VALUE / 4;
    }

    private int bucket(long nowNanos) {
        long epoch = epoch(nowNanos);
        int base = (int) Math.floorMod(epoch, (long) buckets) * FIELDS;
        long seen = cells.get(base);
        if (seen != epoch && cells.compareAndSet(base, seen, epoch)) {
            cells.set(base + 1, 0);
            cells.set(base + 2, 0);
        }
        return base;
    }
}
