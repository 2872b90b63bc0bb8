package io.aegis.trace.drain;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A map from text to values that can be probed with any {@link CharSequence} (a reused builder),
 * so a lookup allocates nothing; a key is copied to a {@code String} only when first inserted.
 * Open addressing with linear probing; not thread-safe.
 */
final class TextKeyedMap<V> {
    private String[] keys = new String[64];
    private Object[] values = new Object[64];
    private int size;

    @SuppressWarnings("unchecked")
    V get(CharSequence key) {
        int mask = keys.length - 1;
        for (int slot = hash(key) & mask; keys[slot] != null; slot = (slot + 1) & mask) {
            if (equal(keys[slot], key)) {
                return (V) values[slot];
            }
        }
        return null;
    }

    void put(CharSequence key, V value) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int slot = hash(key) & mask;
        while (keys[slot] != null) {
            if (equal(keys[slot], key)) {
                values[slot] = value;
                return;
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = key.toString();
        values[slot] = value;
        size++;
    }

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    void forEach(BiConsumer<String, V> action) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                action.accept(keys[i], (V) values[i]);
            }
        }
    }

    List<V> values() {
        List<V> out = new ArrayList<>(size);
        forEach((k, v) -> out.add(v));
        return out;
    }

    private void grow() {
        String[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new String[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                put(oldKeys[i], cast(oldValues[i]));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private V cast(Object value) {
        return (V) value;
    }

    private static int hash(CharSequence key) {
        int h = 0;
        for (int i = 0; i < key.length(); i++) {
            h = 31 * h + key.charAt(i);
        }
        return h ^ (h >>> 16);
    }

    /** Whether {@code stored} holds exactly the characters of {@code probe}. */
    static boolean equal(String stored, CharSequence probe) {
        if (stored.length() != probe.length()) {
            return false;
        }
        for (int i = 0; i < stored.length(); i++) {
            if (stored.charAt(i) != probe.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
