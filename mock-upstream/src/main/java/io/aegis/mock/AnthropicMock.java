package io.aegis.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aegis.wire.Operation;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Anthropic Messages API responses (wire/README.md): JSON, the SSE event sequence, count_tokens, errors. */
final class AnthropicMock {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WORDS_PER_DELTA = 2;

    private AnthropicMock() {
    }

    static MockScript respond(Operation operation, JsonNode body, MockConversation reply, MockFault fault,
                              long sequence) {
        if (operation == Operation.ANTHROPIC_COUNT_TOKENS) {
            ObjectNode count = JSON.createObjectNode();
            count.put("input_tokens", reply.inputTokens + reply.cacheReadTokens + reply.cacheWriteTokens);
            return json(HttpResponseStatus.OK, count, sequence);
        }
        String model = body.path("model").asText();
        String id = "msg_mock_" + sequence;
        if (!body.path("stream").asBoolean(false)) {
            ObjectNode message = message(id, model, reply);
            textBlock(message.putArray("content").addObject(), reply.text());
            message.put("stop_reason", reply.truncated ? "max_tokens" : "end_turn");
            message.putNull("stop_sequence");
            message.set("usage", usage(reply, reply.outputTokens()));
            return json(HttpResponseStatus.OK, message, sequence);
        }
        MockScript script = new MockScript(HttpResponseStatus.OK, "text/event-stream; charset=utf-8", true);
        headers(script, sequence);
        script.headers.set("cache-control", "no-cache");

        ObjectNode start = JSON.createObjectNode().put("type", "message_start");
        ObjectNode startMessage = message(id, model, reply);
        startMessage.putArray("content");
        startMessage.putNull("stop_reason");
        startMessage.putNull("stop_sequence");
        // message_start carries the input and cache counts and an initial output count.
        startMessage.set("usage", usage(reply, Math.min(1, reply.outputTokens())));
        start.set("message", startMessage);
        script.piece(event("message_start", start));

        ObjectNode blockStart = JSON.createObjectNode().put("type", "content_block_start").put("index", 0);
        textBlock(blockStart.putObject("content_block"), "");
        script.piece(event("content_block_start", blockStart));
        script.piece(event("ping", JSON.createObjectNode().put("type", "ping")));

        List<String> words = reply.words;
        int deltas = 0;
        for (int i = 0; i < words.size(); i += WORDS_PER_DELTA) {
            StringBuilder text = new StringBuilder();
            for (int w = i; w < Math.min(words.size(), i + WORDS_PER_DELTA); w++) {
                text.append(w == 0 ? "" : " ").append(words.get(w));
            }
            ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
            delta.putObject("delta").put("type", "text_delta").put("text", text.toString());
            if (fault == MockFault.BAD_JSON_CHUNK && deltas == 1) {
                script.piece(("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"text_delta\",\"text\":\n\n").getBytes(StandardCharsets.UTF_8));
            }
            script.piece(event("content_block_delta", delta));
            deltas++;
            if (fault == MockFault.STREAM_ERROR && deltas == 2) {
                ObjectNode error = JSON.createObjectNode().put("type", "error");
                error.putObject("error").put("type", "overloaded_error").put("message", "Overloaded");
                script.piece(event("error", error));
                return script;
            }
        }
        script.piece(event("content_block_stop",
                JSON.createObjectNode().put("type", "content_block_stop").put("index", 0)));
        ObjectNode messageDelta = JSON.createObjectNode().put("type", "message_delta");
        messageDelta.putObject("delta").put("stop_reason", reply.truncated ? "max_tokens" : "end_turn")
                .putNull("stop_sequence");
        // Cumulative: the final output count, not an increment.
        messageDelta.putObject("usage").put("output_tokens", reply.outputTokens());
        script.piece(event("message_delta", messageDelta));
        script.piece(event("message_stop", JSON.createObjectNode().put("type", "message_stop")));
        return script;
    }

    /** An answer that calls tools: {@code tool_use} blocks, whole or streamed (each input in two pieces). */
    static MockScript toolCalls(JsonNode body, MockConversation reply, List<MockTools.Call> calls, long sequence) {
        String model = body.path("model").asText();
        String id = "msg_mock_" + sequence;
        if (!body.path("stream").asBoolean(false)) {
            ObjectNode message = message(id, model, reply);
            var content = message.putArray("content");
            for (int i = 0; i < calls.size(); i++) {
                content.addObject().put("type", "tool_use").put("id", "toolu_mock_" + sequence + "_" + i)
                        .put("name", calls.get(i).name()).set("input", calls.get(i).arguments());
            }
            message.put("stop_reason", "tool_use");
            message.putNull("stop_sequence");
            message.set("usage", usage(reply, reply.outputTokens()));
            return json(HttpResponseStatus.OK, message, sequence);
        }
        MockScript script = new MockScript(HttpResponseStatus.OK, "text/event-stream; charset=utf-8", true);
        headers(script, sequence);
        ObjectNode start = JSON.createObjectNode().put("type", "message_start");
        ObjectNode startMessage = message(id, model, reply);
        startMessage.putArray("content");
        startMessage.putNull("stop_reason");
        startMessage.set("usage", usage(reply, 1));
        start.set("message", startMessage);
        script.piece(event("message_start", start));
        for (int i = 0; i < calls.size(); i++) {
            ObjectNode blockStart = JSON.createObjectNode().put("type", "content_block_start").put("index", i);
            blockStart.putObject("content_block").put("type", "tool_use").put("id", "toolu_mock_" + sequence + "_" + i)
                    .put("name", calls.get(i).name()).putObject("input");
            script.piece(event("content_block_start", blockStart));
            String input = calls.get(i).arguments().toString();
            int half = input.length() / 2;
            for (String piece : new String[] {input.substring(0, half), input.substring(half)}) {
                ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", i);
                delta.putObject("delta").put("type", "input_json_delta").put("partial_json", piece);
                script.piece(event("content_block_delta", delta));
            }
            script.piece(event("content_block_stop",
                    JSON.createObjectNode().put("type", "content_block_stop").put("index", i)));
        }
        ObjectNode messageDelta = JSON.createObjectNode().put("type", "message_delta");
        messageDelta.putObject("delta").put("stop_reason", "tool_use").putNull("stop_sequence");
        messageDelta.putObject("usage").put("output_tokens", reply.outputTokens());
        script.piece(event("message_delta", messageDelta));
        script.piece(event("message_stop", JSON.createObjectNode().put("type", "message_stop")));
        return script;
    }

    static MockScript error(int status, String type, String message, long sequence) {
        ObjectNode body = JSON.createObjectNode().put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        body.put("request_id", "req_mock_" + sequence);
        return json(HttpResponseStatus.valueOf(status), body, sequence);
    }

    private static ObjectNode message(String id, String model, MockConversation reply) {
        ObjectNode message = JSON.createObjectNode();
        message.put("id", id).put("type", "message").put("role", "assistant").put("model", model);
        return message;
    }

    private static ObjectNode usage(MockConversation reply, long output) {
        ObjectNode usage = JSON.createObjectNode();
        usage.put("input_tokens", reply.inputTokens);
        usage.put("cache_creation_input_tokens", reply.cacheWriteTokens);
        // The split by lifetime, as the API reports it alongside the total.
        usage.putObject("cache_creation").put("ephemeral_5m_input_tokens", reply.cacheWriteTokens - reply.cacheWrite1hTokens)
                .put("ephemeral_1h_input_tokens", reply.cacheWrite1hTokens);
        usage.put("cache_read_input_tokens", reply.cacheReadTokens);
        usage.put("output_tokens", output);
        return usage;
    }

    private static MockScript json(HttpResponseStatus status, ObjectNode body, long sequence) {
        MockScript script = new MockScript(status, "application/json", false);
        headers(script, sequence);
        return script.piece(bytes(body));
    }

    private static void headers(MockScript script, long sequence) {
        script.headers.set("request-id", "req_mock_" + sequence);
        script.headers.set("anthropic-organization-id", "mock-org");
        String reset = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(60).toString();
        for (String kind : new String[] {"requests", "tokens", "input-tokens", "output-tokens"}) {
            script.headers.set("anthropic-ratelimit-" + kind + "-limit", "1000000");
            script.headers.set("anthropic-ratelimit-" + kind + "-remaining", "999999");
            script.headers.set("anthropic-ratelimit-" + kind + "-reset", reset);
        }
    }

    private static byte[] event(String name, ObjectNode data) {
        return ("event: " + name + "\ndata: " + new String(bytes(data), StandardCharsets.UTF_8) + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void textBlock(ObjectNode block, String text) {
        block.put("type", "text").put("text", text);
    }
}
