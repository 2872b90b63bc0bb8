package io.aegis.gateway.request;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * The message text of one request, decoded from its JSON string spans into one UTF-8 buffer for the
 * PII scan: escapes are undone (so {@code bob\u0040example.com} is scanned as the address it is),
 * spans are joined by a line break, and every decoded byte can say where its source begins in the
 * raw body, so findings map back to exactly the raw bytes to rewrite. One instance per connection,
 * reused per request.
 *
 * <p>The map back is kept as segments, not per byte: a run of bytes without escapes is copied in
 * one go and is one segment whose raw offsets advance with the decoded ones; each escape, each
 * separator and each span's end is a segment of its own. Decoding a 4 KB prompt is then one copy,
 * and only findings (rare) pay for a lookup.
 */
public final class MessageText {
    private byte[] text = new byte[4096];
    private int length;
    /** Per segment: the decoded offset it starts at, ascending (equal for empty segments). */
    private int[] segmentDecoded = new int[64];
    /** Per segment: the raw offset its source starts at. */
    private int[] segmentRaw = new int[64];
    /** Per segment: its span, or -1 for a separator. */
    private int[] segmentSpan = new int[64];
    /** Per segment: whether raw offsets advance with decoded ones (a verbatim run) or stay put (an escape). */
    private boolean[] segmentVerbatim = new boolean[64];
    private int segments;
    /** A copy of a body that has no backing array (never the case for bodies the gateway reads). */
    private byte[] copy = new byte[0];

    /** Decodes the text spans of {@code facts} from {@code body}; returns the decoded length. */
    public int decode(ByteBuf body, RequestFacts facts) {
        length = 0;
        segments = 0;
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
                segment(facts.textSpanEnd(s - 1), -1, false);
                put((byte) '\n');
            }
            int end = facts.textSpanEnd(s);
            int i = facts.textSpanStart(s);
            while (i < end) {
                int run = i;
                while (run < end && raw[base + run] != '\\') {
                    run++;
                }
                if (run > i) {
                    segment(i, s, true);
                    ensure(length + (run - i));
                    System.arraycopy(raw, base + i, text, length, run - i);
                    length += run - i;
                    i = run;
                    continue;
                }
                int escapeStart = i;
                byte kind = raw[base + i + 1];
                i += 2;
                segment(escapeStart, s, false);
                switch (kind) {
                    case 'n': put((byte) '\n'); break;
                    case 't': put((byte) '\t'); break;
                    case 'r': put((byte) '\r'); break;
                    case 'b': put((byte) '\b'); break;
                    case 'f': put((byte) '\f'); break;
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
                        putCodePoint(codePoint);
                        break;
                    }
                    default:
                        // \" \\ \/ : the escaped character itself.
                        put(kind);
                }
            }
            // The position after the span's last byte maps to the span's raw end.
            segment(end, s, false);
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
        int k = segmentAt(decoded);
        return segmentVerbatim[k] ? segmentRaw[k] + (decoded - segmentDecoded[k]) : segmentRaw[k];
    }

    /** The raw body offset just after the source of decoded bytes ending at {@code decodedEnd}. */
    public int rawEnd(int decodedEnd) {
        return rawStart(decodedEnd);
    }

    /** True when decoded bytes {@code [start, end)} all come from one span (a value never crosses spans). */
    public boolean withinOneSpan(int start, int end) {
        int span = segmentSpan[segmentAt(start)];
        return span >= 0 && segmentSpan[segmentAt(end - 1)] == span;
    }

    /** The last segment starting at or before {@code decoded}. */
    private int segmentAt(int decoded) {
        int low = 0;
        int high = segments - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (segmentDecoded[mid] <= decoded) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    private void segment(int rawStart, int span, boolean verbatim) {
        if (segments == segmentDecoded.length) {
            int size = segments * 2;
            segmentDecoded = Arrays.copyOf(segmentDecoded, size);
            segmentRaw = Arrays.copyOf(segmentRaw, size);
            segmentSpan = Arrays.copyOf(segmentSpan, size);
            segmentVerbatim = Arrays.copyOf(segmentVerbatim, size);
        }
        segmentDecoded[segments] = length;
        segmentRaw[segments] = rawStart;
        segmentSpan[segments] = span;
        segmentVerbatim[segments] = verbatim;
        segments++;
    }

    private void putCodePoint(int cp) {
        if (cp < 0x80) {
            put((byte) cp);
        } else if (cp < 0x800) {
            put((byte) (0xc0 | cp >> 6));
            put((byte) (0x80 | cp & 0x3f));
        } else if (cp < 0x10000) {
            put((byte) (0xe0 | cp >> 12));
            put((byte) (0x80 | cp >> 6 & 0x3f));
            put((byte) (0x80 | cp & 0x3f));
        } else {
            put((byte) (0xf0 | cp >> 18));
            put((byte) (0x80 | cp >> 12 & 0x3f));
            put((byte) (0x80 | cp >> 6 & 0x3f));
            put((byte) (0x80 | cp & 0x3f));
        }
    }

    private void put(byte b) {
        ensure(length + 1);
        text[length++] = b;
    }

    private void ensure(int capacity) {
        if (capacity > text.length) {
            text = Arrays.copyOf(text, Math.max(capacity, text.length * 2));
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
