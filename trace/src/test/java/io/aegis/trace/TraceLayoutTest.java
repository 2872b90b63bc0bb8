package io.aegis.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Every reader follows the one field order of {@link TraceField}: an event with a distinct value in
 * every field comes back the same through the decoder and through the in-place view, and an event
 * of an older layout version reads the fields it predates as their defaults.
 */
class TraceLayoutTest {
    /** A value in every field, different from its default and from every other field's. */
    private static TraceEvent everyFieldSet() {
        TraceEvent e = new TraceEvent();
        for (TraceField field : TraceField.values()) {
            switch (field.kind()) {
                case BOOL -> e.set(field, field.defaultValue() == 0);
                case BYTE -> e.set(field, 1 + field.ordinal() % 2);
                case SHORT -> e.set(field, 200 + field.ordinal());
                case INT -> e.set(field, 70_000 + field.ordinal());
                case LONG -> e.set(field, 5_000_000_000L * (field.ordinal() + 1));
                case DOUBLE -> e.set(field, 0.25);
                case TEXT -> e.set(field, field.name().toLowerCase() + "-é");
                case PII_COUNTS -> {
                    if (field == TraceField.PII) {
                        e.addPii("EMAIL", 2);
                        e.addPii("PHONE", 1);
                    } else {
                        e.addCount(field, "CREDIT_CARD", 3);
                    }
                }
                case TEXT_LIST -> {
                    e.addTag("tag-a");
                    e.addShadowRule("rule-b");
                }
                default -> throw new IllegalStateException(field.name());
            }
        }
        return e;
    }

    private static byte[] encode(TraceEvent e) {
        EventBytes out = new EventBytes();
        TraceEventCodec.write(out, e);
        return Arrays.copyOf(out.buffer, out.position);
    }

    private static TraceEvent decode(byte[] bytes) {
        EventBytes in = new EventBytes();
        System.arraycopy(bytes, 0, in.forReading(bytes.length), 0, bytes.length);
        TraceEvent e = new TraceEvent();
        assertTrue(TraceEventCodec.read(in, e));
        return e;
    }

    @Test
    void theDecoderReadsBackEveryField() {
        TraceEvent written = everyFieldSet();
        TraceEvent read = decode(encode(written));
        for (TraceField field : TraceField.values()) {
            if (field.kind().numeric()) {
                assertEquals(written.get(field), read.get(field), field.name());
            } else if (field.kind() == TraceField.Kind.TEXT) {
                assertEquals(written.text(field).toString(), read.text(field).toString(), field.name());
            }
        }
        assertEquals(2, read.piiSize());
        assertEquals("PHONE", read.piiType(1).toString());
        assertEquals(1, read.piiCount(1));
        assertEquals(1, read.countSize(TraceField.PII_RESPONSE));
        assertEquals("CREDIT_CARD", read.countType(TraceField.PII_RESPONSE, 0).toString());
        assertEquals(3, read.countValue(TraceField.PII_RESPONSE, 0));
        assertEquals("tag-a", read.tag(0).toString());
        assertEquals("rule-b", read.shadowRule(0).toString());
    }

    @Test
    void theInPlaceViewFindsEveryFieldWhereTheWriterPutIt() {
        TraceEvent written = everyFieldSet();
        byte[] bytes = encode(written);
        byte[] padded = new byte[bytes.length + 16];
        System.arraycopy(bytes, 0, padded, 16, bytes.length);
        RequestEventView view = new RequestEventView();
        assertTrue(view.wrap(new UnsafeBuffer(padded), 16, bytes.length));
        for (TraceField field : TraceField.values()) {
            if (field.kind().numeric()) {
                assertEquals(written.get(field), view.get(field), field.name());
            } else if (field.kind() == TraceField.Kind.TEXT) {
                String text = new String(padded, view.textOffset(field), view.textLength(field), StandardCharsets.UTF_8);
                assertEquals(written.text(field).toString(), text, field.name());
            }
        }
        assertEquals(2, view.piiSize());
        assertEquals("EMAIL", new String(padded, view.piiTypeOffset(0), view.piiTypeLength(0), StandardCharsets.UTF_8));
        assertEquals(2, view.piiCount(0));
        assertEquals(1, view.responsePiiSize());
        assertEquals("CREDIT_CARD", new String(padded, view.responsePiiTypeOffset(0), view.responsePiiTypeLength(0),
                StandardCharsets.UTF_8));
        assertEquals(3, view.responsePiiCount(0));
    }

    @Test
    void anOlderLayoutReadsItsMissingFieldsAsDefaults() {
        TraceEvent written = everyFieldSet();
        byte[] current = encode(written);
        for (int version = 1; version < TraceEventCodec.VERSION; version++) {
            // The fields a version added come last, so an older event is a prefix with its own version byte.
            byte[] older = Arrays.copyOf(current, prefixLength(written, version));
            older[1] = (byte) version;
            TraceEvent read = decode(older);
            RequestEventView view = new RequestEventView();
            assertTrue(view.wrap(new UnsafeBuffer(older), 0, older.length));
            for (TraceField field : TraceField.values()) {
                boolean present = field.since() <= version;
                if (field.kind().numeric()) {
                    long expected = present ? written.get(field) : field.defaultValue();
                    assertEquals(expected, read.get(field), field + " in version " + version);
                    assertEquals(expected, view.get(field), field + " in version " + version + ", in place");
                } else if (field.kind() == TraceField.Kind.TEXT) {
                    assertEquals(present ? written.text(field).toString() : "", read.text(field).toString(), field.name());
                }
            }
        }
    }

    @Test
    void otherKindsAndVersionsAreSkipped() {
        byte[] bytes = encode(everyFieldSet());
        bytes[1] = (byte) (TraceEventCodec.VERSION + 1);
        assertFalse(new RequestEventView().wrap(new UnsafeBuffer(bytes), 0, bytes.length), "a newer layout");
        bytes[1] = TraceEventCodec.VERSION;
        bytes[0] = TraceEventCodec.KIND_AUDIT;
        assertFalse(new RequestEventView().wrap(new UnsafeBuffer(bytes), 0, bytes.length), "an audit event");
    }

    /** The length of {@code e} written with only the fields of layout {@code version}. */
    private static int prefixLength(TraceEvent e, int version) {
        TraceEvent copy = decode(encode(e));
        EventBytes out = new EventBytes();
        TraceEventCodec.write(out, copy);
        int length = out.position;
        for (int i = TraceField.values().length - 1; i >= 0; i--) {
            TraceField field = TraceField.values()[i];
            if (field.since() <= version) {
                break;
            }
            if (field.kind() == TraceField.Kind.PII_COUNTS) {
                length -= 1;
                for (int p = 0; p < copy.countSize(field); p++) {
                    length -= textBytes(copy.countType(field, p)) + Integer.BYTES;
                }
            } else {
                length -= field.kind().numeric() ? field.kind().width : textBytes(copy.text(field));
            }
        }
        return length;
    }

    private static int textBytes(CharSequence text) {
        int bytes = text.toString().getBytes(StandardCharsets.UTF_8).length;
        return bytes + (bytes < 128 ? 1 : 2);
    }
}
