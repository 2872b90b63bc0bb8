package io.aegis.gateway.answer;

import java.util.Arrays;

/**
 * A growable byte array an answer is assembled in: the rewritten answer before it goes into a
 * buffer, and the released text before it is written into the provider's JSON. Reused.
 */
final class ByteSink {
    private byte[] bytes = new byte[1024];
    private int length;

    void clear() {
        length = 0;
    }

    int length() {
        return length;
    }

    byte[] bytes() {
        return bytes;
    }

    void write(byte[] from, int offset, int count) {
        ensure(count);
        System.arraycopy(from, offset, bytes, length, count);
        length += count;
    }

    void write(int b) {
        ensure(1);
        bytes[length++] = (byte) b;
    }

    /** Writes ASCII text (placeholders, names, numbers) without encoding it into a new array. */
    void writeAscii(String text) {
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            bytes[length++] = (byte) text.charAt(i);
        }
    }

    void writeInt(long value) {
        writeAscii(Long.toString(value));
    }

    /** Writes UTF-8 text as a JSON string, quotes included: only quotes, backslashes and controls escaped. */
    void writeJsonString(byte[] text, int offset, int count) {
        ensure(count + 2);
        write('"');
        int run = offset;
        int end = offset + count;
        for (int i = offset; i < end; i++) {
            int b = text[i];
            if (b == '"' || b == '\\' || b >= 0 && b < 0x20) {
                write(text, run, i - run);
                write('\\');
                switch (b) {
                    case '"', '\\' -> write(b);
                    case '\n' -> write('n');
                    case '\r' -> write('r');
                    case '\t' -> write('t');
                    case '\b' -> write('b');
                    case '\f' -> write('f');
                    default -> {
                        writeAscii("u00");
                        write(Character.forDigit(b >> 4, 16));
                        write(Character.forDigit(b & 0xf, 16));
                    }
                }
                run = i + 1;
            }
        }
        write(text, run, end - run);
        write('"');
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
