package io.aegis.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aegis.wire.Operation;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Gemini API responses (wire/README.md): generateContent, streamGenerateContent as SSE
 * ({@code alt=sse}) or as a streamed JSON array, countTokens, embedContent, batchEmbedContents, errors.
 */
final class GeminiMock {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WORDS_PER_CHUNK = 2;
    private static final int EMBEDDING_DIMENSIONS = 16;

    private GeminiMock() {
    }

    static MockScript respond(Operation operation, String model, JsonNode body, MockConversation reply,
                              MockFault fault, boolean sse, long sequence) {
        switch (operation) {
            case GEMINI_COUNT_TOKENS: {
                ObjectNode count = JSON.createObjectNode().put("totalTokens", reply.inputTokens);
                return json(HttpResponseStatus.OK, count);
            }
            case GEMINI_EMBED_CONTENT: {
                ObjectNode out = JSON.createObjectNode();
                embedding(out.putObject("embedding"), reply.inputTokens);
                return json(HttpResponseStatus.OK, out);
            }
            case GEMINI_BATCH_EMBED_CONTENTS: {
                ObjectNode out = JSON.createObjectNode();
                ArrayNode embeddings = out.putArray("embeddings");
                int i = 0;
                for (JsonNode ignored : body.path("requests")) {
                    embedding(embeddings.addObject(), reply.inputTokens + i++);
                }
                return json(HttpResponseStatus.OK, out);
            }
            case GEMINI_GENERATE_CONTENT:
                return json(HttpResponseStatus.OK, chunk(model, reply, reply.text(), true, reply.outputTokens(),
                        sequence));
            default:
                return stream(model, reply, fault, sse, sequence);
        }
    }

    /** True when the request sends back a function call without the signature Gemini gave it. */
    static boolean missingThoughtSignature(JsonNode body) {
        for (JsonNode content : body.path("contents")) {
            for (JsonNode part : content.path("parts")) {
                if (part.has("functionCall") && !part.hasNonNull("thoughtSignature")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** An answer that calls functions, each part with a thought signature; streamed as one chunk. */
    static MockScript toolCalls(Operation operation, String model, MockConversation reply, List<MockTools.Call> calls,
                                boolean sse, long sequence) {
        ObjectNode response = chunk(model, reply, "", true, reply.outputTokens(), sequence);
        ArrayNode parts = (ArrayNode) response.path("candidates").path(0).path("content").path("parts");
        parts.removeAll();
        for (int i = 0; i < calls.size(); i++) {
            ObjectNode part = parts.addObject();
            part.putObject("functionCall").put("name", calls.get(i).name()).set("args", calls.get(i).arguments());
            part.put("thoughtSignature", "c2lnX21vY2tf" + sequence + "_" + i);
        }
        if (operation == Operation.GEMINI_GENERATE_CONTENT) {
            return json(HttpResponseStatus.OK, response);
        }
        MockScript script = new MockScript(HttpResponseStatus.OK,
                sse ? "text/event-stream" : "application/json; charset=UTF-8", true);
        script.piece(frame(new String(AnthropicMock.bytes(response), StandardCharsets.UTF_8), sse, 0));
        if (!sse) {
            script.piece("]".getBytes(StandardCharsets.UTF_8));
        }
        return script;
    }

    private static MockScript stream(String model, MockConversation reply, MockFault fault, boolean sse,
                                     long sequence) {
        MockScript script = new MockScript(HttpResponseStatus.OK,
                sse ? "text/event-stream" : "application/json; charset=UTF-8", true);
        List<String> words = reply.words;
        int chunks = Math.max(1, (words.size() + WORDS_PER_CHUNK - 1) / WORDS_PER_CHUNK);
        for (int c = 0; c < chunks; c++) {
            int from = c * WORDS_PER_CHUNK;
            int to = Math.min(words.size(), from + WORDS_PER_CHUNK);
            StringBuilder text = new StringBuilder();
            for (int w = from; w < to; w++) {
                text.append(w == 0 ? "" : " ").append(words.get(w));
            }
            boolean last = c == chunks - 1;
            if (fault == MockFault.BAD_JSON_CHUNK && c == 1) {
                script.piece(frame("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":", sse, c));
            }
            // Usage rides on every chunk with running totals; only the last chunk's counts are final.
            script.piece(frame(new String(AnthropicMock.bytes(chunk(model, reply, text.toString(), last, to,
                    sequence)), StandardCharsets.UTF_8), sse, c));
            if (fault == MockFault.STREAM_ERROR && c == 1) {
                ObjectNode error = JSON.createObjectNode();
                error.putObject("error").put("code", 503).put("message", "The model is overloaded.")
                        .put("status", "UNAVAILABLE");
                script.piece(frame(new String(AnthropicMock.bytes(error), StandardCharsets.UTF_8), sse, c + 1));
                break;
            }
        }
        if (!sse) {
            script.piece("]".getBytes(StandardCharsets.UTF_8));
        }
        return script;
    }

    private static byte[] frame(String json, boolean sse, int index) {
        String framed = sse ? "data: " + json + "\r\n\r\n" : (index == 0 ? "[" : ",\r\n") + json;
        return framed.getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode chunk(String model, MockConversation reply, String text, boolean last,
                                    long candidatesSoFar, long sequence) {
        ObjectNode response = JSON.createObjectNode();
        ObjectNode candidate = response.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content");
        content.putArray("parts").addObject().put("text", text);
        content.put("role", "model");
        if (last) {
            candidate.put("finishReason", reply.truncated ? "MAX_TOKENS" : "STOP");
        }
        candidate.put("index", 0);
        ObjectNode usage = response.putObject("usageMetadata");
        usage.put("promptTokenCount", reply.inputTokens);
        usage.put("candidatesTokenCount", candidatesSoFar);
        long total = reply.inputTokens + candidatesSoFar;
        if (last && reply.thoughtsTokens > 0) {
            usage.put("thoughtsTokenCount", reply.thoughtsTokens);
            total += reply.thoughtsTokens;
        }
        if (reply.cacheReadTokens > 0) {
            usage.put("cachedContentTokenCount", reply.cacheReadTokens);
        }
        usage.put("totalTokenCount", total);
        response.put("modelVersion", model);
        response.put("responseId", "mock-" + sequence);
        return response;
    }

    private static void embedding(ObjectNode target, long seed) {
        ArrayNode values = target.putArray("values");
        long state = seed * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < EMBEDDING_DIMENSIONS; i++) {
            state ^= state << 13;
            state ^= state >>> 7;
            state ^= state << 17;
            values.add((state >>> 40) / (double) (1L << 24) * 2 - 1);
        }
    }

    static MockScript error(int status, String grpcStatus, String message, String retryDelay) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error").put("code", status).put("message", message)
                .put("status", grpcStatus);
        if (retryDelay != null) {
            error.putArray("details").addObject()
                    .put("@type", "type.googleapis.com/google.rpc.RetryInfo")
                    .put("retryDelay", retryDelay);
        }
        return json(HttpResponseStatus.valueOf(status), body);
    }

    private static MockScript json(HttpResponseStatus status, ObjectNode body) {
        return new MockScript(status, "application/json; charset=UTF-8", false).piece(AnthropicMock.bytes(body));
    }
}
