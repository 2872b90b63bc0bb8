package io.aegis.gateway.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.wire.Provider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ResponseUsageReaderTest {
    /** An Anthropic stream with cache counts, pings, an unknown event, CRLF endings and extra whitespace. */
    static final String ANTHROPIC_SSE = "event: message_start\r\n"
            + "data: {\"type\": \"message_start\", \"message\": {\"id\":\"msg_1\",\"usage\": {\"input_tokens\": 25,"
            + " \"cache_creation_input_tokens\": 100, \"cache_read_input_tokens\": 2000, \"output_tokens\": 1}}}\r\n\r\n"
            + "event: ping\r\ndata: {\"type\": \"ping\"}\r\n\r\n"
            + ": a comment line\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
            + "\"delta\":{\"type\":\"text_delta\",\"text\":\"usage: {\\\"output_tokens\\\": 999} caf\u00e9 \u2603 \ud83d\ude80\"}}\n\n"
            + "event: brand_new_event\ndata: {\"type\":\"brand_new_event\",\"usage\":{\"output_tokens\":777}}\n\n"
            + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":null},"
            + "\"usage\":{\"output_tokens\":10}}\n\n"
            + "event: message_delta\ndata: {\"usage\":{\"output_tokens\":42},\"type\":\"message_delta\","
            + "\"delta\":{\"stop_reason\":\"end_turn\"}}\n\n"
            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

    static final String GEMINI_SSE = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}],"
            + "\"usageMetadata\":{\"promptTokenCount\":1500,\"candidatesTokenCount\":3,\"totalTokenCount\":1503}}\r\n\r\n"
            + "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"b\"}]}}]}\r\n\r\n"
            + "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"c\"}]},\"finishReason\":\"STOP\"}],"
            + "\"usageMetadata\":{\"promptTokenCount\":1500,\"candidatesTokenCount\":9,\"thoughtsTokenCount\":4,"
            + "\"cachedContentTokenCount\":1000,\"totalTokenCount\":1513}}\r\n\r\n";

    private static Usage read(Provider provider, boolean sse, String body, int split) {
        ResponseUsageReader reader = new ResponseUsageReader();
        reader.begin(provider, sse);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        feed(reader, bytes, 0, split);
        feed(reader, bytes, split, bytes.length);
        reader.finish();
        return reader.usage();
    }

    private static void feed(ResponseUsageReader reader, byte[] bytes, int from, int to) {
        ByteBuf chunk = Unpooled.directBuffer(Math.max(1, to - from)).writeBytes(bytes, from, to - from);
        try {
            reader.feed(chunk);
            assertEquals(0, chunk.readerIndex(), "the reader must not consume the caller's bytes");
        } finally {
            chunk.release();
        }
    }

    private static void atEverySplit(Provider provider, boolean sse, String body, Consumer<Usage> check) {
        int length = body.getBytes(StandardCharsets.UTF_8).length;
        for (int split = 0; split <= length; split++) {
            check.accept(read(provider, sse, body, split));
        }
    }

    @Test
    void anthropicStreamInputFromStartOutputFromLastDeltaAtEverySplit() {
        atEverySplit(Provider.ANTHROPIC, true, ANTHROPIC_SSE, usage -> {
            assertTrue(usage.seen());
            assertEquals(25, usage.inputTokens());
            assertEquals(100, usage.cacheWriteTokens());
            assertEquals(2000, usage.cacheReadTokens(), "cache reads counted once, from message_start");
            assertEquals(42, usage.outputTokens(), "the last message_delta's cumulative count");
            assertFalse(usage.streamError());
        });
    }

    @Test
    void anthropicNonStreamBody() {
        String body = "{\"id\":\"msg\",\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],"
                + "\"usage\":{\"input_tokens\":12,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":30,"
                + "\"output_tokens\":7,\"server_tool_use\":{\"web_search_requests\":1}}}";
        atEverySplit(Provider.ANTHROPIC, false, body, usage -> {
            assertEquals(12, usage.inputTokens());
            assertEquals(30, usage.cacheReadTokens());
            assertEquals(7, usage.outputTokens());
        });
    }

    @Test
    void anthropicInStreamErrorIsSeen() {
        String body = ANTHROPIC_SSE.substring(0, ANTHROPIC_SSE.indexOf("event: content_block_delta"))
                + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                + "\"message\":\"Overloaded\"}}\n\n";
        Usage usage = read(Provider.ANTHROPIC, true, body, body.length() / 2);
        assertTrue(usage.streamError());
        assertEquals("overloaded_error", usage.streamErrorType());
        assertEquals(25, usage.inputTokens(), "what was seen before the error is kept");
    }

    @Test
    void geminiStreamUsesTheLastUsageNeverASumAtEverySplit() {
        atEverySplit(Provider.GEMINI, true, GEMINI_SSE, usage -> {
            assertEquals(500, usage.inputTokens(), "promptTokenCount minus its cached part");
            assertEquals(1000, usage.cacheReadTokens());
            assertEquals(13, usage.outputTokens(), "last candidates count plus thoughts");
            assertEquals(4, usage.thoughtsTokens());
        });
    }

    @Test
    void geminiJsonArrayStreamAtEverySplit() {
        String body = "[{\"candidates\":[],\"usageMetadata\":{\"promptTokenCount\":8,\"candidatesTokenCount\":2}}\n"
                + ",\r\n{\"candidates\":[],\"usageMetadata\":{\"promptTokenCount\":8,\"candidatesTokenCount\":6,"
                + "\"toolUsePromptTokenCount\":3}}\n]";
        atEverySplit(Provider.GEMINI, false, body, usage -> {
            assertEquals(11, usage.inputTokens(), "prompt plus tool-use prompt");
            assertEquals(6, usage.outputTokens());
        });
    }

    @Test
    void geminiErrorChunkIsSeen() {
        String body = "data: {\"error\":{\"code\":503,\"message\":\"busy\",\"status\":\"UNAVAILABLE\"}}\r\n\r\n";
        Usage usage = read(Provider.GEMINI, true, body, 7);
        assertTrue(usage.streamError());
        assertEquals("UNAVAILABLE", usage.streamErrorType());
    }

    @Test
    void aMalformedEventIsSkippedAndTheRestIsStillRead() {
        String broken = "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":\n\n";
        ResponseUsageReader reader = readWhole(ANTHROPIC_SSE.replace("event: ping\r\n", broken + "event: ping\r\n"));
        assertEquals(1, reader.malformedEvents());
        assertEquals(25, reader.usage().inputTokens());
        assertEquals(42, reader.usage().outputTokens());
    }

    @Test
    void anthropicEventsWithoutUsageAreNotParsedAtAll() {
        String garbage = "event: content_block_delta\ndata: {{{ not json at all\n\n";
        ResponseUsageReader reader = readWhole(ANTHROPIC_SSE.replace("event: ping\r\n", garbage + "event: ping\r\n"));
        assertEquals(0, reader.malformedEvents(), "a content delta's data is skipped unread");
        assertEquals(42, reader.usage().outputTokens());
    }

    private static ResponseUsageReader readWhole(String body) {
        ResponseUsageReader reader = new ResponseUsageReader();
        reader.begin(Provider.ANTHROPIC, true);
        ByteBuf all = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        reader.feed(all);
        all.release();
        reader.finish();
        return reader;
    }

    @Test
    void aStreamCutShortKeepsTheBestCountSeen() {
        String cut = ANTHROPIC_SSE.substring(0, ANTHROPIC_SSE.indexOf("\"output_tokens\":42"));
        Usage usage = read(Provider.ANTHROPIC, true, cut, cut.length() / 3);
        assertEquals(25, usage.inputTokens());
        assertEquals(10, usage.outputTokens(), "the last complete delta before the cut");
    }

    @Test
    void theFirstContentIsSeenWhereItArrivesNotBefore() {
        // Anthropic: message_start and pings carry no content; the first content_block_delta does.
        String beforeContent = ANTHROPIC_SSE.substring(0, ANTHROPIC_SSE.indexOf("event: content_block_delta"));
        assertFalse(contentSeenAfter(Provider.ANTHROPIC, true, beforeContent));
        assertTrue(contentSeenAfter(Provider.ANTHROPIC, true,
                ANTHROPIC_SSE.substring(0, ANTHROPIC_SSE.indexOf("event: brand_new_event"))));
        // Gemini: every event carries a piece of the candidate.
        assertFalse(contentSeenAfter(Provider.GEMINI, true, ""));
        assertTrue(contentSeenAfter(Provider.GEMINI, true, GEMINI_SSE.substring(0, 20)));
        // A whole body has no first token apart from its first byte.
        assertFalse(contentSeenAfter(Provider.ANTHROPIC, false, "{\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}"));
    }

    private static boolean contentSeenAfter(Provider provider, boolean sse, String body) {
        ResponseUsageReader reader = new ResponseUsageReader();
        reader.begin(provider, sse);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        feed(reader, bytes, 0, bytes.length);
        return reader.contentSeen();
    }
}
