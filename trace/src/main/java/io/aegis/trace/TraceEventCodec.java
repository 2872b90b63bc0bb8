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
    static final byte VERSION = 3;
    static final byte AUDIT_VERSION = 1;

    private TraceEventCodec() {
    }

    /** Whether this build reads request events of {@code version}. */
    static boolean knownRequestVersion(byte version) {
        return version >= 1 && version <= VERSION;
    }

    static void write(EventBytes out, TraceEvent e) {
        out.putByte(KIND_REQUEST);
        out.putByte(VERSION);
        for (TraceField field : TraceField.ALL) {
            switch (field.kind()) {
                case BOOL, BYTE -> out.putByte((int) e.get(field));
                case SHORT -> out.putShort((int) e.get(field));
                case INT -> out.putInt((int) e.get(field));
                case LONG, DOUBLE -> out.putLong(e.get(field));
                case TEXT -> out.putText(e.text(field));
                case PII_COUNTS -> {
                    out.putByte(e.piiSize());
                    for (int i = 0; i < e.piiSize(); i++) {
                        out.putText(e.piiType(i));
                        out.putInt(e.piiCount(i));
                    }
                }
                case TEXT_LIST -> {
                    out.putByte(e.listSize(field));
                    for (int i = 0; i < e.listSize(field); i++) {
                        out.putText(e.listItem(field, i));
                    }
                }
                default -> throw new IllegalStateException(field.kind().name());
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
                        in.getText(e.nextPiiType(0));
                        e.setLastPiiCount(in.getInt());
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
