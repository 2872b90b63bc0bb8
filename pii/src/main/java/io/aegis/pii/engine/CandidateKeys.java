package io.aegis.pii.engine;

import io.aegis.pii.Findings;

/**
 * Accepted matches packed one per {@code long} (32 bits of start, 24 of inverted length, 8 of type),
 * so that sorting the longs orders them by start, then longest first, then catalogue order; and the
 * rule that resolves overlaps among them. Offsets are relative to whatever the caller scans (a block,
 * or a stream's absolute positions below 2^31).
 */
final class CandidateKeys {
    private static final long LENGTH_MASK = 0xffffffL;

    private CandidateKeys() {
    }

    static long key(int start, int end, int type) {
        return ((long) start << 32) | ((LENGTH_MASK - (end - start)) << 8) | type;
    }

    static int start(long key) {
        return (int) (key >>> 32);
    }

    static int end(long key) {
        return start(key) + (int) (LENGTH_MASK - ((key >>> 8) & LENGTH_MASK));
    }

    static int type(long key) {
        return (int) (key & 0xff);
    }

    /**
     * The end (exclusive index) of the overlap component that starts at {@code from} in keys sorted
     * by start: every candidate in it overlaps the span of those before it.
     */
    static int componentEnd(long[] sorted, int from, int to) {
        int reach = end(sorted[from]);
        int i = from + 1;
        while (i < to && start(sorted[i]) < reach) {
            reach = Math.max(reach, end(sorted[i]));
            i++;
        }
        return i;
    }

    /** The span end of the component {@code sorted[from, to)}. */
    static int componentReach(long[] sorted, int from, int to) {
        int reach = 0;
        for (int i = from; i < to; i++) {
            reach = Math.max(reach, end(sorted[i]));
        }
        return reach;
    }

    /**
     * Resolves one overlap component: the longest candidate wins (then the earliest, then catalogue
     * order), everything overlapping a winner is dropped, and the rest is decided the same way; the
     * winners go to {@code out} in text order. Components are small (a value and the shorter
     * look-alikes inside it), so the quadratic pass allocates nothing and costs little.
     */
    static void resolve(long[] sorted, int from, int to, Findings out) {
        if (to - from == 1) {
            long key = sorted[from];
            out.add(type(key), start(key), end(key));
            return;
        }
        // Winners are marked with the key's sign bit, which is free: starts are below 2^31.
        while (true) {
            int best = -1;
            for (int i = from; i < to; i++) {
                long key = sorted[i];
                if (key < 0 || overlapsWinner(sorted, from, to, key)) {
                    continue;
                }
                if (best < 0 || longer(key, sorted[best])) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            sorted[best] |= Long.MIN_VALUE;
        }
        for (int i = from; i < to; i++) {
            long key = sorted[i];
            if (key < 0) {
                key &= Long.MAX_VALUE;
                out.add(type(key), start(key), end(key));
            }
        }
    }

    private static boolean longer(long a, long b) {
        int lengthA = end(a) - start(a);
        int lengthB = end(b) - start(b);
        return lengthA != lengthB ? lengthA > lengthB : a < b;
    }

    private static boolean overlapsWinner(long[] sorted, int from, int to, long key) {
        int start = start(key);
        int end = end(key);
        for (int i = from; i < to; i++) {
            long other = sorted[i];
            if (other < 0) {
                other &= Long.MAX_VALUE;
                if (start(other) < end && start < end(other)) {
                    return true;
                }
            }
        }
        return false;
    }
}
