package io.aegis.trace.drain;

import org.agrona.DirectBuffer;

/** Hashing and comparing UTF-8 text where it lies in a buffer, against stored keys. */
final class Utf8 {
    private Utf8() {
    }

    static int hash(int seed, DirectBuffer buffer, int offset, int length) {
        int h = seed;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = 31 * h + buffer.getByte(i);
        }
        return h;
    }

    static int hash(int seed, byte[] bytes) {
        int h = seed;
        for (byte b : bytes) {
            h = 31 * h + b;
        }
        return h;
    }

    static int finish(int h) {
        return h ^ (h >>> 16);
    }

    static boolean equal(byte[] stored, DirectBuffer buffer, int offset, int length) {
        if (stored.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (stored[i] != buffer.getByte(offset + i)) {
                return false;
            }
        }
        return true;
    }
}
