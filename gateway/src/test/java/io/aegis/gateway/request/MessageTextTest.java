package io.aegis.gateway.request;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.wire.Operation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The decoded message text and its map back to raw body offsets, held against a per-byte
 * reference over random JSON strings full of escapes.
 */
class MessageTextTest {
    private static final String[] PIECES = {"a", "bob@example.com", " ", "\\n", "\\t", "\\\"", "\\\\", "\\/",
        "\\u0040", "\\u00e9", "é", "\\u20ac", "€", "\\ud83d\\ude00", "😀", "\\ud800x", "12"};

    private final RequestBodyParser parser = new RequestBodyParser(1 << 20);
    private final RequestFacts facts = new RequestFacts();
    private final MessageText text = new MessageText();

    @Test
    void decodedBytesAndTheirRawOffsetsMatchAPerByteReference() {
        Random random = new Random(7);
        for (int sample = 0; sample < 500; sample++) {
            int spans = 1 + random.nextInt(3);
            StringBuilder json = new StringBuilder("{\"model\":\"claude-sonnet-4-5\",\"messages\":[");
            for (int s = 0; s < spans; s++) {
                json.append(s > 0 ? "," : "").append("{\"role\":\"user\",\"content\":\"");
                int pieces = random.nextInt(12);
                for (int p = 0; p < pieces; p++) {
                    json.append(PIECES[random.nextInt(PIECES.length)]);
                }
                json.append("\"}");
            }
            json.append("]}");
            byte[] raw = json.toString().getBytes(StandardCharsets.UTF_8);
            ByteBuf body = Unpooled.wrappedBuffer(raw);
            try {
                assertNull(parser.parse(body, Operation.ANTHROPIC_MESSAGES, null, facts), json.toString());
                int length = text.decode(body, facts);
                Reference expected = new Reference(raw, facts);
                assertArrayEquals(Arrays.copyOf(expected.text, expected.length), Arrays.copyOf(text.bytes(), length),
                        json.toString());
                for (int i = 0; i <= length; i++) {
                    assertEquals(expected.rawAt[i], text.rawStart(i), "raw offset of decoded byte " + i + " in " + json);
                }
                for (int i = 0; i < length; i++) {
                    for (int j = i + 1; j <= Math.min(length, i + 8); j++) {
                        boolean oneSpan = expected.spanOf[i] >= 0 && expected.spanOf[i] == expected.spanOf[j - 1];
                        assertEquals(oneSpan, text.withinOneSpan(i, j), i + ".." + j + " in " + json);
                    }
                }
            } finally {
                body.release();
            }
        }
    }

    @Test
    void anEscapedAddressDecodesToTheAddressAndMapsBackToItsEscapes() {
        String json = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi bob\\u0040ex.com\"},"
                + "{\"role\":\"user\",\"content\":\"x\"}]}";
        byte[] raw = json.getBytes(StandardCharsets.UTF_8);
        ByteBuf body = Unpooled.wrappedBuffer(raw);
        try {
            assertNull(parser.parse(body, Operation.ANTHROPIC_MESSAGES, null, facts));
            int length = text.decode(body, facts);
            assertEquals("hi bob@ex.com\nx", new String(text.bytes(), 0, length, StandardCharsets.UTF_8));
            int start = json.indexOf("bob");
            assertEquals(start, text.rawStart(3));
            assertEquals(json.indexOf("\\u0040"), text.rawStart(6));
            assertEquals(json.indexOf("ex.com"), text.rawStart(7));
            assertEquals(json.indexOf("\"},"), text.rawEnd(13), "a value ending the span ends at the span's raw end");
            assertTrue(text.withinOneSpan(3, 13));
            assertFalse(text.withinOneSpan(12, 15), "across the separator");
        } finally {
            body.release();
        }
    }

    /** The obvious per-byte map: what decoding must produce, however it stores it. */
    private static final class Reference {
        final byte[] text = new byte[1 << 16];
        final int[] rawAt = new int[1 << 16];
        final int[] spanOf = new int[1 << 16];
        int length;

        Reference(byte[] raw, RequestFacts facts) {
            for (int s = 0; s < facts.textSpanCount(); s++) {
                if (s > 0) {
                    put((byte) '\n', facts.textSpanEnd(s - 1), -1);
                }
                int end = facts.textSpanEnd(s);
                int i = facts.textSpanStart(s);
                while (i < end) {
                    if (raw[i] != '\\') {
                        put(raw[i], i, s);
                        i++;
                        continue;
                    }
                    int escape = i;
                    char kind = (char) raw[i + 1];
                    i += 2;
                    String decoded;
                    if (kind == 'u') {
                        int unit = Integer.parseInt(new String(raw, i, 4, StandardCharsets.US_ASCII), 16);
                        i += 4;
                        int codePoint = unit;
                        if (Character.isHighSurrogate((char) unit) && i + 6 <= end && raw[i] == '\\' && raw[i + 1] == 'u') {
                            int low = Integer.parseInt(new String(raw, i + 2, 4, StandardCharsets.US_ASCII), 16);
                            if (Character.isLowSurrogate((char) low)) {
                                codePoint = Character.toCodePoint((char) unit, (char) low);
                                i += 6;
                            }
                        }
                        decoded = utf8(codePoint);
                    } else {
                        decoded = switch (kind) {
                            case 'n' -> "\n";
                            case 't' -> "\t";
                            default -> String.valueOf(kind);
                        };
                    }
                    for (byte b : decoded.getBytes(StandardCharsets.ISO_8859_1)) {
                        put(b, escape, s);
                    }
                }
                rawAt[length] = end;
                spanOf[length] = s;
            }
        }

        /** UTF-8 bytes of a code point, lone surrogates included, as ISO-8859-1 characters. */
        private static String utf8(int cp) {
            StringBuilder out = new StringBuilder();
            if (cp < 0x80) {
                out.append((char) cp);
            } else if (cp < 0x800) {
                out.append((char) (0xc0 | cp >> 6)).append((char) (0x80 | cp & 0x3f));
            } else if (cp < 0x10000) {
                out.append((char) (0xe0 | cp >> 12)).append((char) (0x80 | cp >> 6 & 0x3f)).append((char) (0x80 | cp & 0x3f));
            } else {
                out.append((char) (0xf0 | cp >> 18)).append((char) (0x80 | cp >> 12 & 0x3f))
                        .append((char) (0x80 | cp >> 6 & 0x3f)).append((char) (0x80 | cp & 0x3f));
            }
            return out.toString();
        }

        private void put(byte b, int raw, int span) {
            text[length] = b;
            rawAt[length] = raw;
            spanOf[length] = span;
            length++;
        }
    }
}
