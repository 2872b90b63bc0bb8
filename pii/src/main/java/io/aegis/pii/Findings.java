package io.aegis.pii;

import java.util.Arrays;

/**
 * The findings of one scan, in text order, with counts per type: reused from scan to scan so a
 * request's scan allocates nothing once the arrays have grown to fit. Offsets are UTF-8 byte
 * offsets into the scanned text, end exclusive. Only positions are kept, never the matched text.
 */
public final class Findings {
    private int[] types = new int[16];
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    private int size;
    private int[] counts = new int[0];

    /** Empties the findings, keeping the number of types. */
    public void reset() {
        size = 0;
        Arrays.fill(counts, 0);
    }

    /** Empties the findings for a catalogue of {@code typeCount} types. */
    public void clear(int typeCount) {
        size = 0;
        if (counts.length != typeCount) {
            counts = new int[typeCount];
        } else {
            Arrays.fill(counts, 0);
        }
    }

    /** Appends a finding; engines call this in text order. */
    public void add(int type, int start, int end) {
        if (size == types.length) {
            types = Arrays.copyOf(types, size * 2);
            starts = Arrays.copyOf(starts, size * 2);
            ends = Arrays.copyOf(ends, size * 2);
        }
        types[size] = type;
        starts[size] = start;
        ends[size] = end;
        size++;
        counts[type]++;
    }

    public int size() {
        return size;
    }

    /** The catalogue index of finding {@code i}'s type. */
    public int type(int i) {
        return types[i];
    }

    public int start(int i) {
        return starts[i];
    }

    public int end(int i) {
        return ends[i];
    }

    /** Findings of the type with catalogue index {@code type}. */
    public int count(int type) {
        return type < counts.length ? counts[type] : 0;
    }

    /** True when some finding is of the given type. */
    public boolean has(int type) {
        return count(type) > 0;
    }
}
