package io.aegis.trace.drain;

import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;

/**
 * Counts by a text key and a small variant number (a rule's decision: 0 allow, 1 deny), probed
 * with the key's UTF-8 bytes where they lie in the queue; a key is copied only when first seen.
 * Open addressing with linear probing; not thread-safe.
 */
final class Utf8Counters {
    /** Receives each key, its variant and its count. */
    interface Visitor {
        void visit(String key, int variant, long count);
    }

    private byte[][] keys = new byte[64][];
    private int[] variants = new int[64];
    private int[] hashes = new int[64];
    private long[] counts = new long[64];
    private int size;

    void add(DirectBuffer buffer, int offset, int length, int variant, long delta) {
        int hash = Utf8.finish(Utf8.hash(variant, buffer, offset, length));
        int mask = keys.length - 1;
        int slot = hash & mask;
        for (; keys[slot] != null; slot = (slot + 1) & mask) {
            if (hashes[slot] == hash && variants[slot] == variant && Utf8.equal(keys[slot], buffer, offset, length)) {
                counts[slot] += delta;
                return;
            }
        }
        byte[] key = new byte[length];
        buffer.getBytes(offset, key);
        insert(key, variant, hash, delta);
    }

    /** Adds to a key given as text (restoring a checkpoint). */
    void add(String key, int variant, long delta) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        add(new org.agrona.concurrent.UnsafeBuffer(bytes), 0, bytes.length, variant, delta);
    }

    private void insert(byte[] key, int variant, int hash, long count) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        place(key, variant, hash, count);
        size++;
    }

    private void place(byte[] key, int variant, int hash, long count) {
        int mask = keys.length - 1;
        int slot = hash & mask;
        while (keys[slot] != null) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        variants[slot] = variant;
        hashes[slot] = hash;
        counts[slot] = count;
    }

    private void grow() {
        byte[][] oldKeys = keys;
        int[] oldVariants = variants;
        int[] oldHashes = hashes;
        long[] oldCounts = counts;
        keys = new byte[oldKeys.length * 2][];
        variants = new int[oldKeys.length * 2];
        hashes = new int[oldKeys.length * 2];
        counts = new long[oldKeys.length * 2];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                place(oldKeys[i], oldVariants[i], oldHashes[i], oldCounts[i]);
            }
        }
    }

    int size() {
        return size;
    }

    void forEach(Visitor visitor) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                visitor.visit(new String(keys[i], StandardCharsets.UTF_8), variants[i], counts[i]);
            }
        }
    }
}
