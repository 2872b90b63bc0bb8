package io.aegis.gateway.request;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * The message text of one request, decoded from its JSON string spans into one UTF-8 buffer for the
 * PII scan: escapes are undone (so {@code bob\u0040example.com} is scanned as the address it is),
 * spans are joined by a line break, and every decoded byte remembers where its source begins in
 * the raw body, so findings map back to exactly the raw bytes to rewrite. One instance per
 * connection, reused per request.
 */
public final class MessageText {
    private byte[] text = new byte[4096];
    /** rawAt[i]: raw body offset where decoded byte i's source begins; one extra slot per span end. */
    private int[] rawAt = new int[4097];
    /** spanOf[i]: which span decoded byte i came from (separators belong to no span: -1). */
    private int[] spanOf = new int[4097];
    private int length;
    /** A copy of a body that has no backing array (never the case for bodies the gateway reads). */
    private byte[] copy = new byte[0];

    /** Decodes the text spans of {@code facts} from {@code body}; returns the decoded length. */
    public int decode(ByteBuf body, RequestFacts facts) {
        length = 0;
        // Work on the bytes themselves: one ByteBuf call per byte would bounds-check (and, under
        // leak detection, trace) every access.
        byte[] raw;
        int base;
        if (body.hasArray()) {
            raw = body.array();
            base = body.arrayOffset() + body.readerIndex();
        } else {
            if (copy.length < body.readableBytes()) {
                copy = new byte[body.readableBytes()];
            }
            body.getBytes(body.readerIndex(), copy, 0, body.readableBytes());
            raw = copy;
            base = 0;
        }
        for (int s = 0; s < facts.textSpanCount(); s++) {
            if (s > 0) {
                put((byte) '\n', facts.textSpanEnd(s - 1), -1);
            }
            int end = facts.textSpanEnd(s);
            int i = facts.textSpanStart(s);
            while (i < end) {
                byte b = raw[base + i];
                if (b != '\\') {
                    put(b, i, s);
                    i++;
                    continue;
                }
                int escapeStart = i;
                byte kind = raw[base + i + 1];
                i += 2;
                switch (kind) {
                    case 'n': put((byte) '\n', escapeStart, s); break;
                    case 't': put((byte) '\t', escapeStart, s); break;
                    case 'r': put((byte) '\r', escapeStart, s); break;
                    case 'b': put((byte) '\b', escapeStart, s); break;
                    case 'f': put((byte) '\f', escapeStart, s); break;
                    case 'u': {
                        int unit = hex4(raw, base + i);
                        i += 4;
                        int codePoint = unit;
                        if (Character.isHighSurrogate((char) unit) && i + 6 <= end
                                && raw[base + i] == '\\' && raw[base + i + 1] == 'u') {
                            int low = hex4(raw, base + i + 2);
                            if (Character.isLowSurrogate((char) low)) {
                                codePoint = Character.toCodePoint((char) unit, (char) low);
                                i += 6;
                            }
                        }
                        putCodePoint(codePoint, escapeStart, s);
                        break;
                    }
                    default:
                        // \" \\ \/ : the escaped character itself.
                        put(kind, escapeStart, s);
                }
            }
            // The slot after the span's last byte maps to the span's raw end.
            ensure(length + 1);
            rawAt[length] = end;
            spanOf[length] = s;
        }
        return length;
    }

    public byte[] bytes() {
        return text;
    }

    public int length() {
        return length;
    }

    /** The raw body offset (relative to the body's reader index) where decoded byte {@code i} begins. */
    public int rawStart(int decoded) {
        return rawAt[decoded];
    }

    /** The raw body offset just after the source of decoded bytes ending at {@code decodedEnd}. */
    public int rawEnd(int decodedEnd) {
        return rawAt[decodedEnd];
    }

    /** True when decoded bytes {@code [start, end)} all come from one span (a value never crosses spans). */
    public boolean withinOneSpan(int start, int end) {
        int span = spanOf[start];
        return span >= 0 && spanOf[end - 1] == span;
    }

    private void putCodePoint(int cp, int raw, int span) {
        if (cp < 0x80) {
            put((byte) cp, raw, span);
        } else if (cp < 0x800) {
            put((byte) (0xc0 | cp >> 6), raw, span);
            put((byte) (0x80 | cp & 0x3f), raw, span);
        } else if (cp < 0x10000) {
            put((byte) (0xe0 | cp >> 12), raw, span);
            put((byte) (0x80 | cp >> 6 & 0x3f), raw, span);
            put((byte) (0x80 | cp & 0x3f), raw, span);
        } else {
            put((byte) (0xf0 | cp >> 18), raw, span);
            put((byte) (0x80 | cp >> 12 & 0x3f), raw, span);
            put((byte) (0x80 | cp >> 6 & 0x3f), raw, span);
            put((byte) (0x80 | cp & 0x3f), raw, span);
        }
    }

    private void put(byte b, int raw, int span) {
        ensure(length + 2);
        text[length] = b;
        rawAt[length] = raw;
        spanOf[length] = span;
        length++;
    }

    private void ensure(int capacity) {
        if (capacity > text.length) {
            int size = Math.max(capacity, text.length * 2);
            text = Arrays.copyOf(text, size);
            rawAt = Arrays.copyOf(rawAt, size + 1);
            spanOf = Arrays.copyOf(spanOf, size + 1);
        }
    }

    private static int hex4(byte[] raw, int at) {
        int value = 0;
        for (int k = 0; k < 4; k++) {
            value = value << 4 | Character.digit(raw[at + k], 16);
        }
        return value;
    }
}
