package io.aegis.trace.drain;

import java.util.ArrayList;
import java.util.List;

/**
 * Series by tenant, provider and model, probed with the event's own text (no key is built per
 * event): open addressing, one hash over the tenant and model characters, compared field by field.
 * Not thread-safe.
 */
final class SeriesMap {
    private Series[] slots = new Series[64];
    private int[] hashes = new int[64];
    private int size;

    Series get(CharSequence tenant, String provider, CharSequence model) {
        int hash = hash(tenant, provider, model);
        int mask = slots.length - 1;
        for (int slot = hash & mask; slots[slot] != null; slot = (slot + 1) & mask) {
            Series s = slots[slot];
            if (hashes[slot] == hash && s.provider.equals(provider) && TextKeyedMap.equal(s.tenant, tenant)
                    && TextKeyedMap.equal(s.model, model)) {
                return s;
            }
        }
        return null;
    }

    void put(Series series) {
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        insert(series, hash(series.tenant, series.provider, series.model));
        size++;
    }

    int size() {
        return size;
    }

    List<Series> values() {
        List<Series> out = new ArrayList<>(size);
        for (Series s : slots) {
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    private void insert(Series series, int hash) {
        int mask = slots.length - 1;
        int slot = hash & mask;
        while (slots[slot] != null) {
            slot = (slot + 1) & mask;
        }
        slots[slot] = series;
        hashes[slot] = hash;
    }

    private void grow() {
        Series[] old = slots;
        int[] oldHashes = hashes;
        slots = new Series[old.length * 2];
        hashes = new int[old.length * 2];
        for (int i = 0; i < old.length; i++) {
            if (old[i] != null) {
                insert(old[i], oldHashes[i]);
            }
        }
    }

    private static int hash(CharSequence tenant, String provider, CharSequence model) {
        int h = provider.hashCode();
        for (int i = 0; i < tenant.length(); i++) {
            h = 31 * h + tenant.charAt(i);
        }
        h = 31 * h + 0x9e;
        for (int i = 0; i < model.length(); i++) {
            h = 31 * h + model.charAt(i);
        }
        return h ^ (h >>> 16);
    }
}
