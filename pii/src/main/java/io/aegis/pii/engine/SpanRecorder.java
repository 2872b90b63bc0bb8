package io.aegis.pii.engine;

import java.util.Arrays;

/**
 * The spans Hyperscan reported, kept per pattern, so that extraction runs over the merged clusters
 * of spans instead of one window from first to last match. A span is [start, end) in the scanned
 * text's offsets (a block's, or a stream's from its first byte): the reported start for patterns
 * that track it, else the end less the pattern's width, since no match reaches back further.
 */
final class SpanRecorder {
    /** Per pattern: packed spans (start << 32 | end), in report order until {@link #clusters} sorts them. */
    private final long[][] spans;
    private final int[] counts;
    private final int[] maxWidths;
    private final boolean[] tracksStart;

    SpanRecorder(int[] maxWidths, boolean[] tracksStart) {
        this.maxWidths = maxWidths;
        this.tracksStart = tracksStart;
        spans = new long[maxWidths.length][8];
        counts = new int[maxWidths.length];
    }

    void reset() {
        Arrays.fill(counts, 0);
    }

    /** Records one report of pattern {@code id}. */
    void record(int id, long from, long to) {
        long[] list = spans[id];
        int n = counts[id];
        if (n == list.length) {
            spans[id] = list = Arrays.copyOf(list, n * 2);
        }
        long start = tracksStart[id] ? from : Math.max(0, to - maxWidths[id]);
        list[n] = (start << 32) | (to & 0xffffffffL);
        counts[id] = n + 1;
    }

    /**
     * Moves pattern {@code p}'s span starts left over the bytes its leading run can hold, never
     * before {@code floor}; {@code text[0]} is offset {@code base}.
     */
    void reachBack(int p, LeadingRun lead, byte[] text, int base, int floor) {
        long[] list = spans[p];
        for (int i = 0; i < counts[p]; i++) {
            int from = Math.max(floor, (int) (list[i] >>> 32));
            int start = Math.max(floor, base + lead.reachBack(text, from - base, floor - base));
            list[i] = ((long) start << 32) | (list[i] & 0xffffffffL);
        }
    }

    int patterns() {
        return counts.length;
    }

    int count(int pattern) {
        return counts[pattern];
    }

    /**
     * Sorts pattern {@code p}'s spans and merges those that overlap or touch, in place; returns the
     * number of clusters, readable with {@link #clusterStart} and {@link #clusterEnd}.
     */
    int clusters(int p) {
        long[] list = spans[p];
        int n = counts[p];
        Arrays.sort(list, 0, n);
        int out = 0;
        for (int i = 0; i < n; i++) {
            int start = (int) (list[i] >>> 32);
            int end = (int) list[i];
            if (out > 0 && start <= (int) list[out - 1]) {
                int merged = Math.max(end, (int) list[out - 1]);
                list[out - 1] = (list[out - 1] & 0xffffffff00000000L) | (merged & 0xffffffffL);
            } else {
                list[out++] = ((long) start << 32) | (end & 0xffffffffL);
            }
        }
        counts[p] = out;
        return out;
    }

    int clusterStart(int p, int i) {
        return (int) (spans[p][i] >>> 32);
    }

    int clusterEnd(int p, int i) {
        return (int) spans[p][i];
    }

    /** After {@link #clusters}: forgets pattern {@code p}'s clusters that end at or before {@code offset}. */
    void dropEndedBy(int p, int offset) {
        long[] list = spans[p];
        int kept = 0;
        for (int i = 0; i < counts[p]; i++) {
            if ((int) list[i] > offset) {
                list[kept++] = list[i];
            }
        }
        counts[p] = kept;
    }
}
