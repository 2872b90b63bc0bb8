package io.aegis.trace.drain;

import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;

/**
 * Series by tenant, provider and model, probed with the event's UTF-8 bytes where they lie in the
 * queue (no key is built and nothing decoded per event): open addressing, one hash over the tenant
 * and model bytes, compared byte for byte. Not thread-safe.
 */
final class SeriesMap {
    private Series[] slots = new Series[64];
    private int[] hashes = new int[64];
    private int size;

    Series get(DirectBuffer buffer, int tenantOffset, int tenantLength, int provider, int modelOffset, int modelLength) {
        int hash = Utf8.finish(Utf8.hash(Utf8.hash(provider, buffer, tenantOffset, tenantLength), buffer, modelOffset,
                modelLength));
        int mask = slots.length - 1;
        for (int slot = hash & mask; slots[slot] != null; slot = (slot + 1) & mask) {
            Series s = slots[slot];
            if (hashes[slot] == hash && s.providerOrdinal == provider
                    && Utf8.equal(s.tenantUtf8, buffer, tenantOffset, tenantLength)
                    && Utf8.equal(s.modelUtf8, buffer, modelOffset, modelLength)) {
                return s;
            }
        }
        return null;
    }

    void put(Series series) {
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        insert(series, hash(series));
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

    /** The same hash as {@link #get} computes from the event's bytes. */
    private static int hash(Series s) {
        return Utf8.finish(Utf8.hash(Utf8.hash(s.providerOrdinal, s.tenantUtf8), s.modelUtf8));
    }
}
