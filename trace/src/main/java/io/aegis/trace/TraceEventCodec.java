package io.aegis.trace;

/**
 * The binary layout of an event inside one queue document: a kind byte and a version byte, then
 * for request events every {@link TraceField} in its order, numbers in fixed widths (little-endian)
 * and text as a varint length and UTF-8 ({@link EventBytes}). Readers skip documents of a kind or
 * version they do not know, and read an older version's missing fields as their defaults.
 */
final class TraceEventCodec {
    static final byte KIND_REQUEST = 1;
    static final byte KIND_AUDIT = 2;
    /**
     * Request events: version 2 added the config version at the end, version 3 the retries, hedge,
     * circuit and attempt log after it; versions 1 and 2 are still read.
     */
    static final byte VERSION = 5;
    static final byte AUDIT_VERSION = 1;

    private TraceEventCodec() {
    }

    /** Whether this build reads request events of {@code version}. */
    static boolean knownRequestVersion(byte version) {
        return version >= 1 && version <= VERSION;
    }

    // Each field's kind as a small int, so the writer's loop switches on a constant table (no enum lookups).
    private static final int BYTE1 = 0;
    private static final int SHORT2 = 1;
    private static final int INT4 = 2;
    private static final int LONG8 = 3;
    private static final int TEXT = 4;
    private static final int PII = 5;
    private static final int LIST = 6;
    private static final byte[] WRITE_AS = new byte[TraceField.COUNT];

    static {
        for (TraceField field : TraceField.ALL) {
            WRITE_AS[field.ordinal()] = (byte) switch (field.kind()) {
                case BOOL, BYTE -> BYTE1;
                case SHORT -> SHORT2;
                case INT -> INT4;
                case LONG, DOUBLE -> LONG8;
                case TEXT -> TEXT;
                case PII_COUNTS -> PII;
                case TEXT_LIST -> LIST;
            };
        }
    }

    static void write(EventBytes out, TraceEvent e) {
        out.putByte(KIND_REQUEST);
        out.putByte(VERSION);
        for (int i = 0; i < WRITE_AS.length; i++) {
            switch (WRITE_AS[i]) {
                case BYTE1 -> out.putByte((int) e.number(i));
                case SHORT2 -> out.putShort((int) e.number(i));
                case INT4 -> out.putInt((int) e.number(i));
                case LONG8 -> out.putLong(e.number(i));
                case TEXT -> out.putText(e.textAt(i));
                case PII -> {
                    TraceField counts = TraceField.ALL[i];
                    out.putByte(e.countSize(counts));
                    for (int p = 0; p < e.countSize(counts); p++) {
                        out.putText(e.countType(counts, p));
                        out.putInt(e.countValue(counts, p));
                    }
                }
                default -> {
                    TraceField list = TraceField.ALL[i];
                    out.putByte(e.listSize(list));
                    for (int p = 0; p < e.listSize(list); p++) {
                        out.putText(e.listItem(list, p));
                    }
                }
            }
        }
    }

    /** Decodes a request event into {@code e}; false (and {@code e} untouched) for another kind or version. */
    static boolean read(EventBytes in, TraceEvent e) {
        if (in.remaining() < 2 || in.buffer[in.position] != KIND_REQUEST
                || !knownRequestVersion(in.buffer[in.position + 1])) {
            return false;
        }
        byte version = in.buffer[in.position + 1];
        in.position += 2;
        e.clearLists();
        for (TraceField field : TraceField.ALL) {
            if (field.since() > version) {
                if (field.kind() == TraceField.Kind.TEXT) {
                    e.textBuilder(field).setLength(0);
                } else {
                    e.set(field, field.defaultValue());
                }
                continue;
            }
            switch (field.kind()) {
                case BOOL -> e.set(field, in.getBoolean());
                case BYTE -> e.set(field, in.getByte());
                case SHORT -> e.set(field, in.getShort());
                case INT -> e.set(field, in.getInt());
                case LONG, DOUBLE -> e.set(field, in.getLong());
                case TEXT -> in.getText(e.textBuilder(field));
                case PII_COUNTS -> {
                    for (int i = in.getByte(); i > 0; i--) {
                        in.getText(e.nextCountType(field));
                        e.setLastCount(field, in.getInt());
                    }
                }
                case TEXT_LIST -> {
                    for (int i = in.getByte(); i > 0; i--) {
                        in.getText(e.nextListItem(field));
                    }
                }
                default -> throw new IllegalStateException(field.kind().name());
            }
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
