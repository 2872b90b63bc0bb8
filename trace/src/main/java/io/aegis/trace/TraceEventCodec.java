package io.aegis.trace;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesOut;

/**
 * The binary layout of a trace event inside one queue document: a kind byte and a version byte,
 * then the fields in a fixed order, numbers in fixed widths and text as stop-bit length-prefixed
 * UTF-8. Adding a field means a new version; readers skip documents of a kind or version they do
 * not know.
 */
final class TraceEventCodec {
    static final byte KIND_REQUEST = 1;
    static final byte VERSION = 1;

    private TraceEventCodec() {
    }

    static void write(BytesOut<?> out, TraceEvent e) {
        out.writeByte(KIND_REQUEST);
        out.writeByte(VERSION);
        out.writeLong(e.timestampNanos);
        out.writeUtf8(e.traceId);
        out.writeUtf8(e.spanId);
        out.writeUtf8(e.tenant);
        out.writeUtf8(e.keyId);
        out.writeByte((byte) e.provider.ordinal());
        out.writeUtf8(e.model);
        out.writeUtf8(e.routedModel);
        out.writeUtf8(e.path);
        out.writeBoolean(e.stream);
        out.writeShort((short) e.status);
        out.writeBoolean(e.denied);
        out.writeUtf8(e.rule);
        out.writeByte((byte) e.outcome.ordinal());
        out.writeUtf8(e.error);
        out.writeLong(e.inputTokens);
        out.writeLong(e.outputTokens);
        out.writeLong(e.cacheReadTokens);
        out.writeLong(e.cacheWriteTokens);
        out.writeLong(e.costNanos);
        out.writeBoolean(e.pricedKnown);
        out.writeInt(e.attempts);
        out.writeUtf8(e.upstream);
        out.writeLong(e.totalNanos);
        out.writeLong(e.overheadNanos);
        out.writeLong(e.ttfbNanos);
        out.writeDouble(e.sampleRate);
        out.writeByte((byte) e.piiSize());
        for (int i = 0; i < e.piiSize(); i++) {
            out.writeUtf8(e.piiType(i));
            out.writeInt(e.piiCount(i));
        }
        out.writeByte((byte) e.tagSize());
        for (int i = 0; i < e.tagSize(); i++) {
            out.writeUtf8(e.tag(i));
        }
        out.writeByte((byte) e.shadowSize());
        for (int i = 0; i < e.shadowSize(); i++) {
            out.writeUtf8(e.shadowRule(i));
        }
    }

    /** Decodes a request event into {@code e}; false (and {@code e} untouched) for another kind or version. */
    static boolean read(BytesIn<?> in, TraceEvent e) {
        if (in.readRemaining() < 2) {
            return false;
        }
        long start = in.readPosition();
        if (in.readByte() != KIND_REQUEST || in.readByte() != VERSION) {
            in.readPosition(start);
            return false;
        }
        e.clear();
        e.timestampNanos = in.readLong();
        in.readUtf8(e.traceId);
        in.readUtf8(e.spanId);
        in.readUtf8(e.tenant);
        in.readUtf8(e.keyId);
        e.provider = TraceEvent.Provider.values()[in.readByte()];
        in.readUtf8(e.model);
        in.readUtf8(e.routedModel);
        in.readUtf8(e.path);
        e.stream = in.readBoolean();
        e.status = in.readShort();
        e.denied = in.readBoolean();
        in.readUtf8(e.rule);
        e.outcome = TraceEvent.Outcome.values()[in.readByte()];
        in.readUtf8(e.error);
        e.inputTokens = in.readLong();
        e.outputTokens = in.readLong();
        e.cacheReadTokens = in.readLong();
        e.cacheWriteTokens = in.readLong();
        e.costNanos = in.readLong();
        e.pricedKnown = in.readBoolean();
        e.attempts = in.readInt();
        in.readUtf8(e.upstream);
        e.totalNanos = in.readLong();
        e.overheadNanos = in.readLong();
        e.ttfbNanos = in.readLong();
        e.sampleRate = in.readDouble();
        int pii = in.readByte();
        for (int i = 0; i < pii; i++) {
            StringBuilder type = e.nextPiiType(0);
            in.readUtf8(type);
            e.setLastPiiCount(in.readInt());
        }
        int tags = in.readByte();
        for (int i = 0; i < tags; i++) {
            in.readUtf8(e.nextTag());
        }
        int shadows = in.readByte();
        for (int i = 0; i < shadows; i++) {
            in.readUtf8(e.nextShadowRule());
        }
        return true;
    }
}
