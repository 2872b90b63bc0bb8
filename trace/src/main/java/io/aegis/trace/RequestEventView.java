package io.aegis.trace;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * A request event read in place, over the queue's own memory: one walk over its {@link TraceField}s reads
 * every number and finds each text field as an offset and a length of UTF-8 bytes,
 * so a reader can count by tenant or model without decoding a character or copying the document
 * (the drainer's fast path). Valid only inside {@link TraceReader#next(RequestEventView, Runnable)}'s
 * callback. {@link #decode} fills a full {@link TraceEvent} when one is needed (spans). Not thread-safe.
 */
public final class RequestEventView {
    private static final int MAX_PII = 256;

    // The layout as a walk over its variable-length fields only (text and lists): each fixed-width field
    // sits at a constant distance after the end of the variable-length field before it (or the header).
    private static final int[] VARIABLE;
    /** Fixed-width bytes between variable-length field k and the one before it (or the header). */
    private static final int[] GAP_BEFORE;
    /** For each field: the variable-length field it follows (an index into VARIABLE, or -1), and how far after. */
    private static final int[] ANCHOR = new int[TraceField.COUNT];
    private static final int[] DELTA = new int[TraceField.COUNT];
    // Per field and per variable-length field, what the loops need as plain ints (no enum lookups).
    private static final int[] SINCE = new int[TraceField.COUNT];
    private static final int[] WIDTH = new int[TraceField.COUNT];
    private static final int[] VARIABLE_KIND;
    /** The fixed-width fields that follow each variable-length field (index k + 1; 0: after the header). */
    private static final int[][] FOLLOWING;
    /** How many variable-length fields an event of each layout version has (fields are only added at the end). */
    private static final int[] PRESENT_VARIABLES = new int[TraceEventCodec.VERSION + 1];
    private static final int TEXT = 0;
    private static final int PII = 1;
    private static final int LIST = 2;

    static {
        int count = 0;
        for (TraceField field : TraceField.ALL) {
            count += field.kind().numeric() ? 0 : 1;
        }
        VARIABLE = new int[count];
        GAP_BEFORE = new int[count];
        VARIABLE_KIND = new int[count];
        int k = -1;
        int delta = 0;
        for (TraceField field : TraceField.ALL) {
            SINCE[field.ordinal()] = field.since();
            WIDTH[field.ordinal()] = field.kind() == TraceField.Kind.BOOL ? 0 : field.kind().width;
            if (field.kind().numeric()) {
                ANCHOR[field.ordinal()] = k;
                DELTA[field.ordinal()] = delta;
                delta += field.kind().width;
            } else {
                VARIABLE[++k] = field.ordinal();
                GAP_BEFORE[k] = delta;
                VARIABLE_KIND[k] = field.kind() == TraceField.Kind.TEXT ? TEXT
                        : field.kind() == TraceField.Kind.PII_COUNTS ? PII : LIST;
                for (int v = field.since(); v <= TraceEventCodec.VERSION; v++) {
                    PRESENT_VARIABLES[v] = k + 1;
                }
                ANCHOR[field.ordinal()] = k;
                delta = 0;
            }
        }
        FOLLOWING = new int[count + 1][];
        for (int group = 0; group <= count; group++) {
            int g = group;
            FOLLOWING[group] = java.util.Arrays.stream(TraceField.ALL)
                    .filter(f -> f.kind().numeric() && ANCHOR[f.ordinal()] == g - 1)
                    .mapToInt(Enum::ordinal).toArray();
        }
    }

    private DirectBuffer buffer;
    private int start;
    private int length;
    private byte version;
    /** Where each variable-length field's content starts (text: its bytes; lists: the count) and ends. */
    private final int[] variableStart = new int[VARIABLE.length];
    private final int[] variableEnd = new int[VARIABLE.length];
    private final int[] textLengths = new int[VARIABLE.length];
    /** Per PII-counts field (the request's, then the answer's): entries, and each type's bytes and count. */
    private final int[] piiSize = new int[2];
    private final int[][] piiTypeOffset = new int[2][MAX_PII];
    private final int[][] piiTypeLength = new int[2][MAX_PII];
    private final int[][] piiCount = new int[2][MAX_PII];
    /** Every fixed-width field's value, read as the walk passes it (defaults for fields the event predates). */
    private final long[] numbers = new long[TraceField.COUNT];
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
        this.version = buffer.getByte(start + 1);
        piiSize[0] = 0;
        piiSize[1] = 0;
        int position = start + 2;
        int present = PRESENT_VARIABLES[version];
        readNumbers(FOLLOWING[0], position);
        for (int k = 0; k < present; k++) {
            position += GAP_BEFORE[k];
            int kind = VARIABLE_KIND[k];
            if (kind == TEXT) {
                int bytes = buffer.getByte(position);
                if (bytes >= 0) { // a one-byte length: nearly every field
                    position++;
                } else {
                    bytes = varint(position);
                    position = varintEnd;
                }
                variableStart[k] = position;
                textLengths[k] = bytes;
                position += bytes;
            } else if (kind == PII) {
                variableStart[k] = position;
                int list = VARIABLE[k] == TraceField.PII_RESPONSE.ordinal() ? 1 : 0;
                int size = buffer.getByte(position++) & 0xff;
                piiSize[list] = size;
                for (int p = 0; p < size; p++) {
                    int bytes = varint(position);
                    piiTypeOffset[list][p] = varintEnd;
                    piiTypeLength[list][p] = bytes;
                    position = varintEnd + bytes;
                    piiCount[list][p] = buffer.getInt(position, ByteOrder.LITTLE_ENDIAN);
                    position += Integer.BYTES;
                }
            } else {
                // Tags and shadow rules are only stepped over; decode() has them.
                variableStart[k] = position;
                for (int items = buffer.getByte(position++) & 0xff; items > 0; items--) {
                    int bytes = varint(position);
                    position = varintEnd + bytes;
                }
            }
            variableEnd[k] = position;
            readNumbers(FOLLOWING[k + 1], position);
        }
        for (int k = present; k < VARIABLE.length; k++) {
            textLengths[k] = 0;
            defaults(k + 1);
        }
        return true;
    }

    private void readNumbers(int[] fields, int base) {
        for (int f : fields) {
            if (SINCE[f] > version) {
                numbers[f] = TraceField.ALL[f].defaultValue();
                continue;
            }
            int offset = base + DELTA[f];
            switch (WIDTH[f]) {
                case 8 -> numbers[f] = buffer.getLong(offset, ByteOrder.LITTLE_ENDIAN);
                case 4 -> numbers[f] = buffer.getInt(offset, ByteOrder.LITTLE_ENDIAN);
                case 2 -> numbers[f] = buffer.getShort(offset, ByteOrder.LITTLE_ENDIAN);
                case 1 -> numbers[f] = buffer.getByte(offset);
                default -> numbers[f] = buffer.getByte(offset) != 0 ? 1 : 0;
            }
        }
    }

    /** The fields after variable-length field {@code group - 1}, for an event that predates them. */
    private void defaults(int group) {
        for (int f : FOLLOWING[group]) {
            numbers[f] = TraceField.ALL[f].defaultValue();
        }
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
        return numbers[field.ordinal()];
    }

    public boolean flag(TraceField field) {
        return get(field) != 0;
    }

    /** Where a text field's UTF-8 bytes start in {@link #buffer()}. */
    public int textOffset(TraceField field) {
        return variableStart[ANCHOR[field.ordinal()]];
    }

    /** How many UTF-8 bytes a text field has (0: empty, or the event predates it). */
    public int textLength(TraceField field) {
        return textLengths[ANCHOR[field.ordinal()]];
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
        return piiSize[0];
    }

    public int piiTypeOffset(int i) {
        return piiTypeOffset[0][i];
    }

    public int piiTypeLength(int i) {
        return piiTypeLength[0][i];
    }

    public int piiCount(int i) {
        return piiCount[0][i];
    }

    /** The answer's PII findings ({@link TraceField#PII_RESPONSE}), read like the request's. */
    public int responsePiiSize() {
        return piiSize[1];
    }

    public int responsePiiTypeOffset(int i) {
        return piiTypeOffset[1][i];
    }

    public int responsePiiTypeLength(int i) {
        return piiTypeLength[1][i];
    }

    public int responsePiiCount(int i) {
        return piiCount[1][i];
    }
}
