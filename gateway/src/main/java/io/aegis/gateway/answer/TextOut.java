package io.aegis.gateway.answer;

import java.util.Arrays;

/** Released answer text as UTF-8, gathered before it is written into the provider's JSON. Reused. */
final class TextOut {
    private byte[] bytes = new byte[256];
    private int length;

    void clear() {
        length = 0;
    }

    void write(byte[] from, int offset, int count) {
        ensure(count);
        System.arraycopy(from, offset, bytes, length, count);
        length += count;
    }

    void write(byte b) {
        ensure(1);
        bytes[length++] = b;
    }

    void writeAscii(String text) {
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            bytes[length++] = (byte) text.charAt(i);
        }
    }

    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
