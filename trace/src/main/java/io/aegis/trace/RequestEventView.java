package io.aegis.trace;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * A request event read in place, over the queue's own memory: where each {@link TraceField} lies,
 * numbers read from there on demand, and each text field as an offset and a length of UTF-8 bytes,
 * so a reader can count by tenant or model without decoding a character or copying the document
 * (the drainer's fast path). Valid only inside {@link TraceReader#next(RequestEventView, Runnable)}'s
 * callback. {@link #decode} fills a full {@link TraceEvent} when one is needed (spans). Not thread-safe.
 */
public final class RequestEventView {
    private static final int MAX_PII = 256;

    private DirectBuffer buffer;
    private int start;
    private int length;
    /** Where each field's value starts (for text: its bytes, after the length), or -1 when the event predates it. */
    private final int[] offsets = new int[TraceField.COUNT];
    private final int[] textLengths = new int[TraceField.COUNT];
    private int piiSize;
    private final int[] piiTypeOffset = new int[MAX_PII];
    private final int[] piiTypeLength = new int[MAX_PII];
    private final int[] piiCount = new int[MAX_PII];
    /** Where the last varint read ended. */
    private int varintEnd;

    private final EventBytes copy = new EventBytes();

    /**
     * Reads the document at {@code [start, start + length)}; false (nothing read) when it is not a
     * request event of a version this build knows.
     */
    boolean wrap(DirectBuffer buffer, int start, int length) {
        if (length < 2 || buffer.getByte(start) != TraceEventCodec.KIND_REQUEST
                || !TraceEventCodec.knownRequestVersion(buffer.getByte(start + 1))) {
            return false;
        }
        this.buffer = buffer;
        this.start = start;
        this.length = length;
        byte version = buffer.getByte(start + 1);
        int position = start + 2;
        for (TraceField field : TraceField.ALL) {
            int i = field.ordinal();
            if (field.since() > version) {
                offsets[i] = -1;
                textLengths[i] = 0;
                continue;
            }
            TraceField.Kind kind = field.kind();
            if (kind.numeric()) {
                offsets[i] = position;
                position += kind.width;
            } else if (kind == TraceField.Kind.TEXT) {
                position = text(position, i);
            } else if (kind == TraceField.Kind.PII_COUNTS) {
                offsets[i] = position;
                piiSize = buffer.getByte(position++) & 0xff;
                for (int p = 0; p < piiSize; p++) {
                    int bytes = varint(position);
                    position = varintEnd;
                    piiTypeOffset[p] = position;
                    piiTypeLength[p] = bytes;
                    position += bytes;
                    piiCount[p] = buffer.getInt(position, ByteOrder.LITTLE_ENDIAN);
                    position += Integer.BYTES;
                }
            } else {
                // Tags and shadow rules are only stepped over; decode() has them.
                offsets[i] = position;
                for (int items = buffer.getByte(position++) & 0xff; items > 0; items--) {
                    position = skipText(position);
                }
            }
        }
        return true;
    }

    /** Reads a text field's varint length at {@code position}; returns where the next field starts. */
    private int text(int position, int field) {
        int bytes = varint(position);
        offsets[field] = varintEnd;
        textLengths[field] = bytes;
        return varintEnd + bytes;
    }

    /** Reads a varint at {@code position}; {@link #varintEnd} is where it ended. */
    private int varint(int position) {
        int value = 0;
        int shift = 0;
        while (true) {
            int b = buffer.getByte(position++);
            value |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        varintEnd = position;
        return value;
    }

    /** Steps over one text item (its length and its bytes); returns where the next one starts. */
    private int skipText(int position) {
        int bytes = varint(position);
        return varintEnd + bytes;
    }

    /** Fills {@code event} with every field of this document (one copy of its bytes). */
    public void decode(TraceEvent event) {
        byte[] target = copy.forReading(length);
        buffer.getBytes(start, target, 0, length);
        TraceEventCodec.read(copy, event);
    }

    /** The memory the offsets point into. */
    public DirectBuffer buffer() {
        return buffer;
    }

    /** A numeric field's value (a boolean as 0 or 1, an enum as its code); its default when the event predates it. */
    public long get(TraceField field) {
        int offset = offsets[field.ordinal()];
        if (offset < 0) {
            return field.defaultValue();
        }
        switch (field.kind()) {
            case BOOL:
                return buffer.getByte(offset) != 0 ? 1 : 0;
            case BYTE:
                return buffer.getByte(offset);
            case SHORT:
                return buffer.getShort(offset, ByteOrder.LITTLE_ENDIAN);
            case INT:
                return buffer.getInt(offset, ByteOrder.LITTLE_ENDIAN);
            case LONG:
            case DOUBLE:
                return buffer.getLong(offset, ByteOrder.LITTLE_ENDIAN);
            default:
                throw new IllegalArgumentException(field + " is not a number");
        }
    }

    public boolean flag(TraceField field) {
        return get(field) != 0;
    }

    /** Where a text field's UTF-8 bytes start in {@link #buffer()}. */
    public int textOffset(TraceField field) {
        return offsets[field.ordinal()];
    }

    /** How many UTF-8 bytes a text field has (0: empty, or the event predates it). */
    public int textLength(TraceField field) {
        return textLengths[field.ordinal()];
    }

    public TraceEvent.Provider provider() {
        return get(TraceField.PROVIDER) == 0 ? TraceEvent.Provider.ANTHROPIC : TraceEvent.Provider.GEMINI;
    }

    /** The model that answered: the routed one when a rule routed, else the one asked for. */
    public int effectiveModelOffset() {
        return textLength(TraceField.ROUTED_MODEL) > 0 ? textOffset(TraceField.ROUTED_MODEL) : textOffset(TraceField.MODEL);
    }

    public int effectiveModelLength() {
        return textLength(TraceField.ROUTED_MODEL) > 0 ? textLength(TraceField.ROUTED_MODEL) : textLength(TraceField.MODEL);
    }

    /** Whether the request failed: an error status, or an error class named. */
    public boolean failed() {
        return get(TraceField.STATUS) >= 400 || textLength(TraceField.ERROR) > 0;
    }

    public int piiSize() {
        return piiSize;
    }

    public int piiTypeOffset(int i) {
        return piiTypeOffset[i];
    }

    public int piiTypeLength(int i) {
        return piiTypeLength[i];
    }

    public int piiCount(int i) {
        return piiCount[i];
    }
}
