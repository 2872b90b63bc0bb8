package io.aegis.rules;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hash dispatch in front of the conditions: for each of provider, model, tenant and path that
 * some rule tests for equality (or membership in a written-out list), a map from value to the
 * bitset of rules that can still match, and the bitset of rules that do not test it. The
 * candidates of a request are the AND of its values' bitsets: a few word operations instead of
 * a test per rule.
 */
final class Dispatch {
    /** The attributes dispatched on, in the order {@link #value} reads them. */
    static final List<String> ATTRIBUTES = List.of("provider", "model", "tenant", "path");

    private final long[] all;
    private final Map<String, long[]>[] byValue;
    private final long[][] unconstrained;

    private Dispatch(long[] all, Map<String, long[]>[] byValue, long[][] unconstrained) {
        this.all = all;
        this.byValue = byValue;
        this.unconstrained = unconstrained;
    }

    /**
     * @param constraints per rule, per attribute index: the values it requires, or {@code null} when
     *     it does not test that attribute
     */
    @SuppressWarnings("unchecked")
    static Dispatch build(List<Set<String>[]> constraints, int rules) {
        int words = (rules + 63) >>> 6;
        long[] all = new long[words];
        for (int r = 0; r < rules; r++) {
            all[r >>> 6] |= 1L << r;
        }
        Map<String, long[]>[] byValue = new Map[ATTRIBUTES.size()];
        long[][] unconstrained = new long[ATTRIBUTES.size()][];
        for (int a = 0; a < ATTRIBUTES.size(); a++) {
            boolean used = false;
            long[] free = new long[words];
            for (int r = 0; r < rules; r++) {
                if (constraints.get(r)[a] == null) {
                    free[r >>> 6] |= 1L << r;
                } else {
                    used = true;
                }
            }
            if (!used) {
                continue;
            }
            Map<String, long[]> map = new HashMap<>();
            for (int r = 0; r < rules; r++) {
                Set<String> values = constraints.get(r)[a];
                if (values == null) {
                    continue;
                }
                for (String value : values) {
                    map.computeIfAbsent(value, v -> free.clone())[r >>> 6] |= 1L << r;
                }
            }
            byValue[a] = map;
            unconstrained[a] = free;
        }
        return new Dispatch(all, byValue, unconstrained);
    }

    void candidates(RequestView request, long[] out) {
        System.arraycopy(all, 0, out, 0, all.length);
        for (int a = 0; a < byValue.length; a++) {
            Map<String, long[]> map = byValue[a];
            if (map == null) {
                continue;
            }
            long[] set = map.get(value(request, a));
            if (set == null) {
                set = unconstrained[a];
            }
            for (int w = 0; w < out.length; w++) {
                out[w] &= set[w];
            }
        }
    }

    private static String value(RequestView request, int attribute) {
        switch (attribute) {
            case 0: return request.provider();
            case 1: return request.model();
            case 2: return request.tenant();
            default: return request.path();
        }
    }
}
