package io.aegis.gateway.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aegis.wire.Provider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Native answers into OpenAI's: usage with cache and reasoning counts, chunks split anywhere, errors mid-stream. */
class ChatAnswerTranslatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);

    private static OpenAiCall call(Provider provider, boolean includeUsage) {
        OpenAiCall call = new OpenAiCall();
        call.provider = provider;
        call.model = provider == Provider.ANTHROPIC ? "claude-sonnet-4-5" : "gemini-2.5-pro";
        call.stream = true;
        call.includeUsage = includeUsage;
        call.createdEpochSeconds = 1_700_000_000L;
        return call;
    }

    /** Feeds {@code body} one byte at a time (the worst split) and returns the output. */
    private static String translate(OpenAiCall call, int status, boolean events, String body) {
        ChatAnswerTranslator translator = new ChatAnswerTranslator();
        translator.begin(call, status, events);
        StringBuilder out = new StringBuilder();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            take(translator.feed(ALLOC, Unpooled.wrappedBuffer(new byte[] {b})), out);
        }
        take(translator.finish(ALLOC), out);
        return out.toString();
    }

    private static void take(ByteBuf buffer, StringBuilder out) {
        out.append(buffer.toString(StandardCharsets.UTF_8));
        buffer.release();
    }

    private static List<JsonNode> chunks(String stream) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String event : stream.split("\n\n")) {
            if (event.startsWith("data: ") && !event.equals("data: [DONE]")) {
                out.add(JSON.readTree(event.substring(6)));
            }
        }
        return out;
    }

    @Test
    void anthropicStreamUsageCountsCacheReadsAsCachedAndWritesApart() throws Exception {
        String stream = String.join("", List.of(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"usage\":"
                        + "{\"input_tokens\":10,\"cache_creation_input_tokens\":200,\"cache_read_input_tokens\":1000,"
                        + "\"output_tokens\":1}}}\n\n",
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hé\\nllo\"}}\n\n",
                "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
                "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"},"
                        + "\"usage\":{\"output_tokens\":42}}\n\n",
                "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
        String out = translate(call(Provider.ANTHROPIC, true), 200, true, stream);
        assertTrue(out.endsWith("data: [DONE]\n\n"), out);
        List<JsonNode> chunks = chunks(out);
        assertEquals("assistant", chunks.get(0).path("choices").path(0).path("delta").path("role").asText());
        assertEquals("Hé\nllo", chunks.get(1).path("choices").path(0).path("delta").path("content").asText());
        assertEquals("length", chunks.get(2).path("choices").path(0).path("finish_reason").asText());
        JsonNode usage = chunks.get(3).path("usage");
        assertTrue(chunks.get(3).path("choices").isEmpty());
        assertEquals(1210, usage.path("prompt_tokens").asLong(), "every billed input token");
        assertEquals(1000, usage.path("prompt_tokens_details").path("cached_tokens").asLong(), "cache reads only");
        assertEquals(200, usage.path("prompt_tokens_details").path("cache_write_tokens").asLong());
        assertEquals(42, usage.path("completion_tokens").asLong(), "the last message_delta's, not a sum");
        assertEquals(1252, usage.path("total_tokens").asLong());
        for (JsonNode chunk : chunks) {
            assertEquals("chatcmpl-msg_1", chunk.path("id").asText());
            assertEquals("chat.completion.chunk", chunk.path("object").asText());
        }
    }

    @Test
    void geminiStreamUsageIsTheLastChunksWithThoughtsAsReasoning() throws Exception {
        String stream = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"thinking\",\"thought\":true},"
                + "{\"text\":\"A\"}],\"role\":\"model\"},\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":1200,"
                + "\"cachedContentTokenCount\":1000,\"candidatesTokenCount\":1},\"responseId\":\"r1\"}\r\n\r\n"
                + "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"B\"}],\"role\":\"model\"},"
                + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":1200,"
                + "\"cachedContentTokenCount\":1000,\"candidatesTokenCount\":5,\"thoughtsTokenCount\":7},"
                + "\"responseId\":\"r1\"}\r\n\r\n";
        List<JsonNode> chunks = chunks(translate(call(Provider.GEMINI, true), 200, true, stream));
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(c.path("choices").path(0).path("delta").path("content").asText("")));
        assertEquals("AB", text.toString(), "thought parts are not content");
        JsonNode usage = chunks.get(chunks.size() - 1).path("usage");
        assertEquals(1200, usage.path("prompt_tokens").asLong(), "cached tokens are inside the prompt count");
        assertEquals(1000, usage.path("prompt_tokens_details").path("cached_tokens").asLong());
        assertEquals(12, usage.path("completion_tokens").asLong(), "thoughts are output");
        assertEquals(7, usage.path("completion_tokens_details").path("reasoning_tokens").asLong());
    }

    @Test
    void anErrorMidStreamIsAnErrorLineAndNoDone() throws Exception {
        String stream = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"usage\":{}}}\n\n"
                + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                + "\"message\":\"Overloaded\"}}\n\n";
        String out = translate(call(Provider.ANTHROPIC, true), 200, true, stream);
        assertFalse(out.contains("[DONE]"), out);
        List<JsonNode> chunks = chunks(out);
        JsonNode error = chunks.get(chunks.size() - 1).path("error");
        assertEquals("Overloaded", error.path("message").asText());
        assertEquals("overloaded_error", error.path("code").asText());
    }

    @Test
    void aStreamCutShortEndsWithoutDone() {
        String stream = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"usage\":{}}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"par\"}}\n\n";
        assertFalse(translate(call(Provider.ANTHROPIC, true), 200, true, stream).contains("[DONE]"));
    }

    @Test
    void upstreamErrorsKeepTheirStatusInOpenAisShape() throws Exception {
        OpenAiCall call = call(Provider.GEMINI, false);
        call.stream = false;
        JsonNode error = JSON.readTree(translate(call, 429, false,
                "{\"error\":{\"code\":429,\"message\":\"Quota exceeded\",\"status\":\"RESOURCE_EXHAUSTED\"}}"))
                .path("error");
        assertEquals("rate_limit_error", error.path("type").asText());
        assertEquals("Quota exceeded", error.path("message").asText());
        assertEquals("RESOURCE_EXHAUSTED", error.path("code").asText());
    }

    @Test
    void aBodyOrAnEventPastTheBoundIsRefusedNotHeld() {
        String body = "{\"id\":\"msg_1\",\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\""
                + "x".repeat(200) + "\"}],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}";
        ChatAnswerTranslator whole = new ChatAnswerTranslator(128);
        OpenAiCall call = call(Provider.ANTHROPIC, false);
        call.stream = false;
        whole.begin(call, 200, false);
        take(whole.feed(ALLOC, Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8))), new StringBuilder());
        StringBuilder out = new StringBuilder();
        take(whole.finish(ALLOC), out);
        assertTrue(whole.tooLarge());
        assertEquals("", out.toString(), "nothing of it goes out");

        ChatAnswerTranslator roomy = new ChatAnswerTranslator(4096);
        roomy.begin(call, 200, false);
        take(roomy.feed(ALLOC, Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8))), new StringBuilder());
        StringBuilder translated = new StringBuilder();
        take(roomy.finish(ALLOC), translated);
        assertFalse(roomy.tooLarge());
        assertTrue(translated.toString().contains("chat.completion"), translated.toString());

        ChatAnswerTranslator stream = new ChatAnswerTranslator(128);
        stream.begin(call(Provider.ANTHROPIC, false), 200, true);
        String event = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"" + "y".repeat(300) + "\"}}\n\n";
        take(stream.feed(ALLOC, Unpooled.wrappedBuffer(event.getBytes(StandardCharsets.UTF_8))), new StringBuilder());
        assertTrue(stream.tooLarge(), "one event past the bound");
    }
}
