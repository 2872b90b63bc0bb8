package io.aegis.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Text and numbers through the event encoding, non-ASCII included, agreeing with the JDK's UTF-8. */
class EventBytesTest {
    @Test
    void textAndNumbersRoundTrip() {
        String[] texts = {"", "acme", "café", "€ 5", "emoji 😀 here", "long ".repeat(100), "日本語のテナント"};
        EventBytes out = new EventBytes();
        for (String text : texts) {
            out.putText(text);
        }
        out.putLong(Long.MIN_VALUE);
        out.putInt(-7);
        out.putShort(503);
        out.putDouble(0.25);
        EventBytes in = new EventBytes();
        System.arraycopy(out.buffer, 0, in.forReading(out.position), 0, out.position);
        StringBuilder read = new StringBuilder();
        int expectedBytes = 0;
        for (String text : texts) {
            in.getText(read);
            assertEquals(text, read.toString());
            int length = text.getBytes(StandardCharsets.UTF_8).length;
            expectedBytes += length + (length < 128 ? 1 : 2);
        }
        assertEquals(Long.MIN_VALUE, in.getLong());
        assertEquals(-7, in.getInt());
        assertEquals(503, in.getShort());
        assertEquals(0.25, in.getDouble());
        assertEquals(expectedBytes + 8 + 4 + 2 + 8, out.position, "the same bytes as the JDK's UTF-8, plus lengths");
    }
}
