package io.aegis.pii.engine;

/**
 * A {@link CharSequence} over UTF-8 bytes without decoding: ASCII bytes are themselves, every other
 * byte reads as U+0080, which is neither a letter nor a digit. Patterns are ASCII, so they match the
 * same bytes here as Hyperscan does, and {@code \b} sees a multi-byte character as a non-word
 * character in both engines.
 */
final class ByteText implements CharSequence {
    private static final char NON_ASCII = '\u0080';

    private byte[] bytes;
    private int length;

    void reset(byte[] bytes, int length) {
        this.bytes = bytes;
        this.length = length;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        int b = bytes[index];
        return b >= 0 ? (char) b : NON_ASCII;
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        // Only used by java.util.regex for group text, which the extractor never asks for.
        StringBuilder out = new StringBuilder(end - start);
        for (int i = start; i < end; i++) {
            out.append(charAt(i));
        }
        return out;
    }

    @Override
    public String toString() {
        return subSequence(0, length).toString();
    }
}
