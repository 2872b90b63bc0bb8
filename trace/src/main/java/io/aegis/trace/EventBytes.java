package io.aegis.trace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A reusable byte array with a cursor, to encode a whole event in plain Java and hand it to the
 * queue in one copy (per-field calls into the queue's bytes cost five times more), and to decode
 * one back. Little-endian fixed-width numbers; text as a varint length then UTF-8.
 */
final class EventBytes {
    // One store or load per number instead of one per byte.
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    byte[] buffer = new byte[512];
    int position;
    int limit;

    EventBytes reset() {
        position = 0;
        limit = 0;
        return this;
    }

    /** Prepares {@code length} bytes for reading (the caller fills {@link #buffer}). */
    byte[] forReading(int length) {
        if (buffer.length < length) {
            buffer = new byte[Math.max(length, buffer.length * 2)];
        }
        position = 0;
        limit = length;
        return buffer;
    }

    private void ensure(int more) {
        if (position + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(position + more, buffer.length * 2));
        }
    }

    void putByte(int value) {
        ensure(1);
        buffer[position++] = (byte) value;
    }

    void putBoolean(boolean value) {
        putByte(value ? 1 : 0);
    }

    void putShort(int value) {
        ensure(2);
        SHORT_LE.set(buffer, position, (short) value);
        position += 2;
    }

    void putInt(int value) {
        ensure(4);
        INT_LE.set(buffer, position, value);
        position += 4;
    }

    void putLong(long value) {
        ensure(8);
        LONG_LE.set(buffer, position, value);
        position += 8;
    }

    void putDouble(double value) {
        putLong(Double.doubleToRawLongBits(value));
    }

    /** A varint count of UTF-8 bytes, then the bytes (surrogate pairs as four-byte sequences). */
    void putText(CharSequence text) {
        int length = text.length();
        if (length < 0x80 && putAscii(text, length)) {
            return;
        }
        int bytes = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isHighSurrogate(c) && i + 1 < length ? 4 : 3;
            if (c >= 0x800 && Character.isHighSurrogate(c) && i + 1 < length) {
                i++;
            }
        }
        putVarint(bytes);
        ensure(bytes);
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                buffer[position++] = (byte) c;
            } else if (c < 0x800) {
                buffer[position++] = (byte) (0xc0 | c >> 6);
                buffer[position++] = (byte) (0x80 | c & 0x3f);
            } else if (Character.isHighSurrogate(c) && i + 1 < length) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                buffer[position++] = (byte) (0xf0 | cp >> 18);
                buffer[position++] = (byte) (0x80 | cp >> 12 & 0x3f);
                buffer[position++] = (byte) (0x80 | cp >> 6 & 0x3f);
                buffer[position++] = (byte) (0x80 | cp & 0x3f);
            } else {
                buffer[position++] = (byte) (0xe0 | c >> 12);
                buffer[position++] = (byte) (0x80 | c >> 6 & 0x3f);
                buffer[position++] = (byte) (0x80 | c & 0x3f);
            }
        }
    }

    /**
     * The common case in one pass: short text, all ASCII, so its byte count is its length and fits in a
     * one-byte varint. False (nothing written) at the first other character.
     */
    private boolean putAscii(CharSequence text, int length) {
        ensure(1 + length);
        int at = position + 1;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                return false;
            }
            buffer[at++] = (byte) c;
        }
        buffer[position] = (byte) length;
        position = at;
        return true;
    }

    private void putVarint(int value) {
        while ((value & ~0x7f) != 0) {
            putByte(value & 0x7f | 0x80);
            value >>>= 7;
        }
        putByte(value);
    }

    int remaining() {
        return limit - position;
    }

    byte getByte() {
        return buffer[position++];
    }

    boolean getBoolean() {
        return buffer[position++] != 0;
    }

    short getShort() {
        short value = (short) SHORT_LE.get(buffer, position);
        position += 2;
        return value;
    }

    int getInt() {
        int value = (int) INT_LE.get(buffer, position);
        position += 4;
        return value;
    }

    long getLong() {
        long value = (long) LONG_LE.get(buffer, position);
        position += 8;
        return value;
    }

    double getDouble() {
        return Double.longBitsToDouble(getLong());
    }

    /** Decodes text into {@code out} (replacing its content). */
    void getText(StringBuilder out) {
        out.setLength(0);
        int length = 0;
        int shift = 0;
        while (true) {
            int b = buffer[position++];
            length |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        int end = position + length;
        while (position < end) {
            int b = buffer[position++] & 0xff;
            if (b < 0x80) {
                out.append((char) b);
            } else if (b < 0xe0) {
                out.append((char) ((b & 0x1f) << 6 | buffer[position++] & 0x3f));
            } else if (b < 0xf0) {
                out.append((char) ((b & 0x0f) << 12 | (buffer[position++] & 0x3f) << 6 | buffer[position++] & 0x3f));
            } else {
                int cp = (b & 0x07) << 18 | (buffer[position++] & 0x3f) << 12 | (buffer[position++] & 0x3f) << 6
                        | buffer[position++] & 0x3f;
                out.appendCodePoint(cp);
            }
        }
    }
}
