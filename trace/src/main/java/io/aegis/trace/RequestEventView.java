package io.aegis.trace;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * A request event read in place, over the queue's own memory: the numbers an aggregate needs,
 * and where each text field's UTF-8 bytes lie, so a reader can count by tenant or model without
 * decoding a character or copying the document (the drainer's fast path). Valid only inside
 * {@link TraceReader#next(RequestEventView, Runnable)}'s callback. {@link #decode} fills a full
 * {@link TraceEvent} when one is needed (spans). Not thread-safe.
 */
public final class RequestEventView {
    private static final int MAX_PII = 256;

    private DirectBuffer buffer;
    private int start;
    private int length;

    private int position;
    private int textLength;

    private int tenantOffset;
    private int tenantLength;
    private int provider;
    private int modelOffset;
    private int modelLength;
    private int routedModelOffset;
    private int routedModelLength;
    private int status;
    private boolean denied;
    private int ruleOffset;
    private int ruleLength;
    private int errorLength;
    private long inputTokens;
    private long outputTokens;
    private long cacheReadTokens;
    private long cacheWriteTokens;
    private long costNanos;
    private long totalNanos;
    private long overheadNanos;
    private int attempts;
    private int retries;
    private byte hedge;
    private byte circuit;
    private int piiSize;
    private final int[] piiTypeOffset = new int[MAX_PII];
    private final int[] piiTypeLength = new int[MAX_PII];
    private final int[] piiCount = new int[MAX_PII];

    private final EventBytes copy = new EventBytes();

    /**
     * Reads the document at {@code [start, start + length)}; false (nothing read) when it is not a
     * request event of the version this build knows.
     */
    boolean wrap(DirectBuffer buffer, int start, int length) {
        if (length < 2 || buffer.getByte(start) != TraceEventCodec.KIND_REQUEST
                || !TraceEventCodec.knownRequestVersion(buffer.getByte(start + 1))) {
            return false;
        }
        this.buffer = buffer;
        this.start = start;
        this.length = length;
        // The field order of TraceEventCodec.write.
        position = start + 2 + Long.BYTES;
        skipText(); // trace id
        skipText(); // span id
        tenantOffset = text();
        tenantLength = textLength;
        skipText(); // key id
        provider = buffer.getByte(position++);
        modelOffset = text();
        modelLength = textLength;
        routedModelOffset = text();
        routedModelLength = textLength;
        skipText(); // path
        position++; // stream
        status = buffer.getShort(position, ByteOrder.LITTLE_ENDIAN);
        position += Short.BYTES;
        denied = buffer.getByte(position++) != 0;
        ruleOffset = text();
        ruleLength = textLength;
        position++; // outcome
        text();
        errorLength = textLength;
        inputTokens = nextLong();
        outputTokens = nextLong();
        cacheReadTokens = nextLong();
        cacheWriteTokens = nextLong();
        costNanos = nextLong();
        position++; // priced
        attempts = buffer.getInt(position, ByteOrder.LITTLE_ENDIAN);
        position += Integer.BYTES;
        skipText(); // upstream
        totalNanos = nextLong();
        overheadNanos = nextLong();
        position += Long.BYTES * 2; // time to first byte, sample rate
        piiSize = buffer.getByte(position++) & 0xff;
        for (int i = 0; i < piiSize; i++) {
            piiTypeOffset[i] = text();
            piiTypeLength[i] = textLength;
            piiCount[i] = buffer.getInt(position, ByteOrder.LITTLE_ENDIAN);
            position += Integer.BYTES;
        }
        // Tags and shadow rules are only stepped over; decode() has them.
        for (int tags = buffer.getByte(position++) & 0xff; tags > 0; tags--) {
            skipText();
        }
        for (int shadows = buffer.getByte(position++) & 0xff; shadows > 0; shadows--) {
            skipText();
        }
        byte version = buffer.getByte(start + 1);
        if (version >= 2) {
            position += Long.BYTES; // config version
        }
        if (version >= 3) {
            retries = buffer.getInt(position, ByteOrder.LITTLE_ENDIAN);
            position += Integer.BYTES;
            hedge = buffer.getByte(position++);
            circuit = buffer.getByte(position++);
        } else {
            retries = 0;
            hedge = TraceEvent.HEDGE_NONE;
            circuit = TraceEvent.CIRCUIT_CLOSED;
        }
        return true;
    }

    private long nextLong() {
        long value = buffer.getLong(position, ByteOrder.LITTLE_ENDIAN);
        position += Long.BYTES;
        return value;
    }

    /** Reads a text field's varint length into {@link #textLength}; returns where its bytes start. */
    private int text() {
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
        textLength = value;
        int offset = position;
        position += value;
        return offset;
    }

    private void skipText() {
        text();
    }

    /** Fills {@code event} with every field of this document (one copy of its bytes). */
    public void decode(TraceEvent event) {
        byte[] target = copy.forReading(length);
        buffer.getBytes(start, target, 0, length);
        TraceEventCodec.read(copy, event);
    }

    /** The memory the offsets below point into. */
    public DirectBuffer buffer() {
        return buffer;
    }

    public int tenantOffset() {
        return tenantOffset;
    }

    public int tenantLength() {
        return tenantLength;
    }

    public TraceEvent.Provider provider() {
        return provider == 0 ? TraceEvent.Provider.ANTHROPIC : TraceEvent.Provider.GEMINI;
    }

    /** The model that answered: the routed one when a rule routed, else the one asked for. */
    public int effectiveModelOffset() {
        return routedModelLength > 0 ? routedModelOffset : modelOffset;
    }

    public int effectiveModelLength() {
        return routedModelLength > 0 ? routedModelLength : modelLength;
    }

    public int status() {
        return status;
    }

    public boolean denied() {
        return denied;
    }

    /** Whether the request failed: an error status, or an error class named. */
    public boolean failed() {
        return status >= 400 || errorLength > 0;
    }

    public int ruleOffset() {
        return ruleOffset;
    }

    /** 0 when no rule decided. */
    public int ruleLength() {
        return ruleLength;
    }

    public long inputTokens() {
        return inputTokens;
    }

    public long outputTokens() {
        return outputTokens;
    }

    public long cacheReadTokens() {
        return cacheReadTokens;
    }

    public long cacheWriteTokens() {
        return cacheWriteTokens;
    }

    public long costNanos() {
        return costNanos;
    }

    public long totalNanos() {
        return totalNanos;
    }

    public long overheadNanos() {
        return overheadNanos;
    }

    /** Upstream attempts made, hedges and retries included. */
    public int attempts() {
        return attempts;
    }

    /** Attempts that were retries, failover included (0 before layout version 3). */
    public int retries() {
        return retries;
    }

    /** {@link TraceEvent#HEDGE_NONE}, {@link TraceEvent#HEDGE_LOST} or {@link TraceEvent#HEDGE_WON}. */
    public byte hedge() {
        return hedge;
    }

    /** The worst circuit state the request met ({@link TraceEvent#CIRCUIT_CLOSED} and so on). */
    public byte circuit() {
        return circuit;
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
