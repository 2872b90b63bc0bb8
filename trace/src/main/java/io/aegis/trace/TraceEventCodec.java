package io.aegis.trace;

/**
 * The binary layout of a trace event inside one queue document: a kind byte and a version byte,
 * then the fields in a fixed order, numbers in fixed widths (little-endian) and text as a varint
 * length and UTF-8 ({@link EventBytes}). Adding a field means a new version; readers skip documents of a kind or version they do
 * not know.
 */
final class TraceEventCodec {
    static final byte KIND_REQUEST = 1;
    static final byte KIND_AUDIT = 2;
    /**
     * Request events: version 2 added the config version at the end, version 3 the retries, hedge,
     * circuit and attempt log after it; versions 1 and 2 are still read.
     */
    static final byte VERSION = 3;
    static final byte AUDIT_VERSION = 1;

    private TraceEventCodec() {
    }

    /** Whether this build reads request events of {@code version}. */
    static boolean knownRequestVersion(byte version) {
        return version >= 1 && version <= 3;
    }

    static void write(EventBytes out, TraceEvent e) {
        out.putByte(KIND_REQUEST);
        out.putByte(VERSION);
        out.putLong(e.timestampNanos);
        out.putText(e.traceId);
        out.putText(e.spanId);
        out.putText(e.tenant);
        out.putText(e.keyId);
        out.putByte((byte) e.provider.ordinal());
        out.putText(e.model);
        out.putText(e.routedModel);
        out.putText(e.path);
        out.putBoolean(e.stream);
        out.putShort(e.status);
        out.putBoolean(e.denied);
        out.putText(e.rule);
        out.putByte((byte) e.outcome.ordinal());
        out.putText(e.error);
        out.putLong(e.inputTokens);
        out.putLong(e.outputTokens);
        out.putLong(e.cacheReadTokens);
        out.putLong(e.cacheWriteTokens);
        out.putLong(e.costNanos);
        out.putBoolean(e.pricedKnown);
        out.putInt(e.attempts);
        out.putText(e.upstream);
        out.putLong(e.totalNanos);
        out.putLong(e.overheadNanos);
        out.putLong(e.ttfbNanos);
        out.putDouble(e.sampleRate);
        out.putByte((byte) e.piiSize());
        for (int i = 0; i < e.piiSize(); i++) {
            out.putText(e.piiType(i));
            out.putInt(e.piiCount(i));
        }
        out.putByte((byte) e.tagSize());
        for (int i = 0; i < e.tagSize(); i++) {
            out.putText(e.tag(i));
        }
        out.putByte((byte) e.shadowSize());
        for (int i = 0; i < e.shadowSize(); i++) {
            out.putText(e.shadowRule(i));
        }
        out.putLong(e.configVersion);
        out.putInt(e.retries);
        out.putByte(e.hedge);
        out.putByte(e.circuit);
        out.putText(e.attemptLog);
    }

    /** Decodes a request event into {@code e}; false (and {@code e} untouched) for another kind or version. */
    static boolean read(EventBytes in, TraceEvent e) {
        if (in.remaining() < 2 || in.buffer[in.position] != KIND_REQUEST
                || !knownRequestVersion(in.buffer[in.position + 1])) {
            return false;
        }
        byte version = in.buffer[in.position + 1];
        in.position += 2;
        // Every field is overwritten below, so no clear() pass first.
        e.resetLists();
        e.timestampNanos = in.getLong();
        in.getText(e.traceId);
        in.getText(e.spanId);
        in.getText(e.tenant);
        in.getText(e.keyId);
        e.provider = TraceEvent.Provider.values()[in.getByte()];
        in.getText(e.model);
        in.getText(e.routedModel);
        in.getText(e.path);
        e.stream = in.getBoolean();
        e.status = in.getShort();
        e.denied = in.getBoolean();
        in.getText(e.rule);
        e.outcome = Outcome.values()[in.getByte()];
        in.getText(e.error);
        e.inputTokens = in.getLong();
        e.outputTokens = in.getLong();
        e.cacheReadTokens = in.getLong();
        e.cacheWriteTokens = in.getLong();
        e.costNanos = in.getLong();
        e.pricedKnown = in.getBoolean();
        e.attempts = in.getInt();
        in.getText(e.upstream);
        e.totalNanos = in.getLong();
        e.overheadNanos = in.getLong();
        e.ttfbNanos = in.getLong();
        e.sampleRate = in.getDouble();
        int pii = in.getByte();
        for (int i = 0; i < pii; i++) {
            StringBuilder type = e.nextPiiType(0);
            in.getText(type);
            e.setLastPiiCount(in.getInt());
        }
        int tags = in.getByte();
        for (int i = 0; i < tags; i++) {
            in.getText(e.nextTag());
        }
        int shadows = in.getByte();
        for (int i = 0; i < shadows; i++) {
            in.getText(e.nextShadowRule());
        }
        e.configVersion = version >= 2 ? in.getLong() : 0;
        if (version >= 3) {
            e.retries = in.getInt();
            e.hedge = in.getByte();
            e.circuit = in.getByte();
            in.getText(e.attemptLog);
        } else {
            e.retries = 0;
            e.hedge = TraceEvent.HEDGE_NONE;
            e.circuit = TraceEvent.CIRCUIT_CLOSED;
            e.attemptLog.setLength(0);
        }
        return true;
    }

    static void writeAudit(EventBytes out, AuditEvent e) {
        out.putByte(KIND_AUDIT);
        out.putByte(AUDIT_VERSION);
        out.putLong(e.timestampNanos);
        out.putText(e.actor);
        out.putText(e.action);
        out.putText(e.target);
        out.putLong(e.oldVersion);
        out.putLong(e.newVersion);
        out.putText(e.detail);
    }

    /** Decodes an audit event into {@code e}; false for another kind or version. */
    static boolean readAudit(EventBytes in, AuditEvent e) {
        if (in.remaining() < 2 || in.buffer[in.position] != KIND_AUDIT || in.buffer[in.position + 1] != AUDIT_VERSION) {
            return false;
        }
        in.position += 2;
        e.timestampNanos = in.getLong();
        in.getText(e.actor);
        in.getText(e.action);
        in.getText(e.target);
        e.oldVersion = in.getLong();
        e.newVersion = in.getLong();
        in.getText(e.detail);
        return true;
    }
}
