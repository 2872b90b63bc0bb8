package io.aegis.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aegis.gateway.usage.SseDataExtractor;
import io.aegis.wire.Provider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Translates a native answer into OpenAI's Chat Completions shape as it passes: an event stream
 * event by event into {@code chat.completion.chunk} lines (tool calls with stable ids and their
 * index among the calls, {@code finish_reason} mapped, a usage chunk only when the caller asked,
 * {@code data: [DONE]} only after a whole answer); a whole answer into one {@code chat.completion};
 * an upstream error into OpenAI's error shape with the same status. Usage follows the provider wire
 * facts: {@code prompt_tokens} counts every billed input token (cache reads and writes included),
 * {@code cached_tokens} the reads only, cache writes apart as {@code cache_write_tokens}. One per
 * connection, reused per answer.
 */
public final class ChatAnswerTranslator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    /** Separates a tool call id from the Gemini thought signature carried in it. */
    static final String SIGNATURE_MARK = "_ts_";

    private OpenAiCall call;
    private int status;
    private boolean events;
    private final Output out = new Output();
    private static final com.fasterxml.jackson.core.JsonFactory TOKENS = new com.fasterxml.jackson.core.JsonFactory();
    private static final byte[] DATA_PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TEXT_DELTA = "\"text_delta\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNK_END = "},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
            .getBytes(StandardCharsets.US_ASCII);
    /** {@code data: {"id":..,"object":"chat.completion.chunk",..,"choices":[{"index":0,"delta":{"content":} for this answer. */
    private byte[] contentPrefix;
    /** The unit under way: an SSE event, or the whole body. */
    private byte[] unit = new byte[4096];
    private int unitLength;
    /** The usage reader's SSE framing: each event's data lines, joined, land in {@link #unit}. */
    private final SseDataExtractor sse = new SseDataExtractor(new SseDataExtractor.Sink() {
        @Override
        public void eventName(byte[] name, int length) {
        }

        @Override
        public boolean wantsData() {
            return !failed;
        }

        @Override
        public void data(ByteBuf buffer, int index, int length) {
            append(buffer, index, length);
        }

        @Override
        public void lineEnd() {
            if (room(1)) {
                unit[unitLength++] = '\n'; // data lines of one event join with line feeds
            }
        }

        @Override
        public void eventEnd() {
            payloadEnded();
        }
    });
    private boolean ended;
    private boolean failed;
    /** What one unit (an event, a whole body) may hold: the answer rewriter's bound for whole bodies. */
    private final int maxUnitBytes;
    /** A unit grew past {@link #maxUnitBytes}: nothing more is translated, and the relay refuses the answer. */
    private boolean tooLarge;

    public ChatAnswerTranslator() {
        this(io.aegis.gateway.answer.AnswerRewriter.MAX_WHOLE_BYTES);
    }

    /** With a bound of {@code maxUnitBytes} per unit (tests use a small one). */
    ChatAnswerTranslator(int maxUnitBytes) {
        this.maxUnitBytes = maxUnitBytes;
    }

    // What the answer said so far.
    private String id;
    private boolean roleSent;
    private int toolCalls;
    /** Per Anthropic content block index: the tool call index it carries, -1 for none, -2 for the JSON answer. */
    private int[] blockTool = new int[8];
    private String finishReason;
    private long inputTokens;
    private long cacheReadTokens;
    private long cacheWriteTokens;
    private long outputTokens;
    private long reasoningTokens;
    private boolean usageSeen;
    private boolean[] candidateCalled = new boolean[4];

    /** Starts an answer with HTTP status {@code status}; {@code eventStream} when it is SSE. */
    public void begin(OpenAiCall call, int status, boolean eventStream) {
        this.call = call;
        this.status = status;
        this.events = eventStream && status >= 200 && status < 300;
        out.reset();
        unitLength = 0;
        sse.reset();
        ended = false;
        failed = false;
        tooLarge = false;
        id = null;
        contentPrefix = null;
        roleSent = false;
        toolCalls = 0;
        Arrays.fill(blockTool, -1);
        Arrays.fill(candidateCalled, false);
        finishReason = null;
        inputTokens = 0;
        cacheReadTokens = 0;
        cacheWriteTokens = 0;
        outputTokens = 0;
        reasoningTokens = 0;
        usageSeen = false;
    }

    /** True when the answer is translated at its end (a whole body or an error): its head waits. */
    public boolean wholeBody() {
        return !events;
    }

    /** True when an event or a whole body grew past the bound: the answer is refused, not held. */
    public boolean tooLarge() {
        return tooLarge;
    }

    /** True when the upstream's stream reported an error (translated; no {@code [DONE]} follows). */
    public boolean failed() {
        return failed;
    }

    /** Reads a chunk of the native answer; returns what may go to the caller now. */
    public ByteBuf feed(ByteBufAllocator alloc, ByteBuf chunk) {
        out.reset();
        int from = chunk.readerIndex();
        int to = chunk.writerIndex();
        if (events) {
            if (!failed) {
                sse.feed(chunk);
            }
        } else {
            append(chunk, from, to - from);
        }
        return drain(alloc);
    }

    /** The native answer ended: the rest goes out (the whole translation, or the stream's end). */
    public ByteBuf finish(ByteBufAllocator alloc) {
        out.reset();
        if (tooLarge) {
            return Unpooled.EMPTY_BUFFER;
        }
        if (events) {
            if (!failed) {
                payloadEnded(); // an event the stream ended without its blank line
            }
            if (!failed) {
                endStream();
            }
        } else if (status >= 200 && status < 300) {
            whole();
        } else {
            error();
        }
        return drain(alloc);
    }

    private ByteBuf drain(ByteBufAllocator alloc) {
        if (out.size() == 0) {
            return Unpooled.EMPTY_BUFFER;
        }
        ByteBuf buffer = alloc.buffer(out.size());
        buffer.writeBytes(out.bytes(), 0, out.size());
        return buffer;
    }

    /** A growable byte array the output is assembled in, written into a buffer without another copy. */
    private static final class Output extends ByteArrayOutputStream {
        Output() {
            super(1024);
        }

        byte[] bytes() {
            return buf;
        }
    }

    // ---- Streams ----

    /** One event's data is in {@code unit[0, unitLength)}: translated, then forgotten. */
    private void payloadEnded() {
        int length = unitLength;
        unitLength = 0;
        if (length == 0 || failed || tooLarge) {
            return;
        }
        if (call.provider == Provider.ANTHROPIC && contentPrefix != null && textDelta(length)) {
            return;
        }
        JsonNode payload;
        try {
            payload = JSON.readTree(unit, 0, length);
        } catch (IOException e) {
            return; // not JSON: nothing an OpenAI caller could use
        }
        if (payload == null) {
            return;
        }
        if (call.provider == Provider.ANTHROPIC) {
            anthropicEvent(payload);
        } else {
            geminiChunk(payload);
        }
    }

    /**
     * The event most of a stream is made of, an Anthropic text delta, read with the token parser and
     * written from a prefix made once per answer: no tree, no string of the event. False when the
     * event is anything else (it then takes the general way).
     */
    private boolean textDelta(int length) {
        if (indexOf(unit, 0, length, TEXT_DELTA) < 0) {
            return false;
        }
        String text = null;
        String eventType = null;
        String deltaType = null;
        try (com.fasterxml.jackson.core.JsonParser parser = TOKENS.createParser(unit, 0, length)) {
            if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return false;
            }
            int depth = 1;
            String inObject = null;
            while (depth > 0) {
                com.fasterxml.jackson.core.JsonToken token = parser.nextToken();
                if (token == null) {
                    return false;
                }
                switch (token) {
                    case START_OBJECT -> {
                        inObject = depth == 1 ? parser.currentName() : null;
                        depth++;
                    }
                    case END_OBJECT -> {
                        depth--;
                        inObject = null;
                    }
                    case START_ARRAY -> parser.skipChildren();
                    case VALUE_STRING -> {
                        String name = parser.currentName();
                        if (depth == 1 && "type".equals(name)) {
                            eventType = parser.getText();
                        } else if (depth == 2 && "delta".equals(inObject) && "type".equals(name)) {
                            deltaType = parser.getText();
                        } else if (depth == 2 && "delta".equals(inObject) && "text".equals(name)) {
                            text = parser.getText();
                        }
                    }
                    default -> {
                    }
                }
            }
        } catch (IOException e) {
            return false;
        }
        if (!"content_block_delta".equals(eventType) || !"text_delta".equals(deltaType) || text == null) {
            return false;
        }
        out.writeBytes(contentPrefix);
        out.write('"');
        out.writeBytes(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsUTF8(text));
        out.write('"');
        out.writeBytes(CHUNK_END);
        return true;
    }

    private static int indexOf(byte[] haystack, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i + needle.length <= to; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void anthropicEvent(JsonNode event) {
        switch (event.path("type").asText()) {
            case "message_start" -> {
                JsonNode message = event.path("message");
                id = "chatcmpl-" + message.path("id").asText("msg");
                anthropicUsage(message.path("usage"));
                roleChunk(0);
                ObjectNode head = chunkHead();
                String json;
                try {
                    json = JSON.writeValueAsString(head);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                contentPrefix = ("data: " + json.substring(0, json.length() - 1)
                        + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":").getBytes(StandardCharsets.UTF_8);
            }
            case "content_block_start" -> {
                int index = event.path("index").asInt();
                JsonNode block = event.path("content_block");
                if (block.path("type").asText().equals("tool_use")) {
                    if (call.jsonThroughTool && block.path("name").asText().equals(ChatRequestTranslator.JSON_TOOL)) {
                        setBlockTool(index, -2);
                        return;
                    }
                    int tool = toolCalls++;
                    setBlockTool(index, tool);
                    ObjectNode delta = JSON.createObjectNode();
                    ObjectNode toolCall = delta.putArray("tool_calls").addObject().put("index", tool)
                            .put("id", block.path("id").asText()).put("type", "function");
                    toolCall.putObject("function").put("name", block.path("name").asText()).put("arguments", "");
                    chunk(0, delta, null);
                } else if (block.path("type").asText().equals("text") && !block.path("text").asText("").isEmpty()) {
                    chunk(0, JSON.createObjectNode().put("content", block.path("text").asText()), null);
                }
            }
            case "content_block_delta" -> {
                int index = event.path("index").asInt();
                JsonNode delta = event.path("delta");
                switch (delta.path("type").asText()) {
                    case "text_delta" -> chunk(0, JSON.createObjectNode().put("content", delta.path("text").asText()),
                            null);
                    case "input_json_delta" -> {
                        int tool = blockTool(index);
                        String partial = delta.path("partial_json").asText("");
                        if (tool == -2) {
                            chunk(0, JSON.createObjectNode().put("content", partial), null);
                        } else if (tool >= 0) {
                            ObjectNode out = JSON.createObjectNode();
                            out.putArray("tool_calls").addObject().put("index", tool).putObject("function")
                                    .put("arguments", partial);
                            chunk(0, out, null);
                        }
                    }
                    default -> {
                        // Thinking, signatures and citations have no place in a chat completion chunk.
                    }
                }
            }
            case "message_delta" -> {
                String stop = event.path("delta").path("stop_reason").asText(null);
                if (stop != null) {
                    finishReason = anthropicFinish(stop);
                }
                if (event.path("usage").has("output_tokens")) {
                    outputTokens = event.path("usage").path("output_tokens").asLong();
                    usageSeen = true;
                }
                anthropicUsageUpdate(event.path("usage"));
            }
            case "message_stop" -> {
                chunk(0, JSON.createObjectNode(), finishReason == null ? "stop" : finishReason);
                finishReason = null;
                ended = true;
            }
            case "error" -> streamError(event.path("error").path("message").asText("upstream error"),
                    event.path("error").path("type").asText("api_error"));
            default -> {
                // ping and unknown events: ignored, as the wire facts say
            }
        }
    }

    private void geminiChunk(JsonNode chunk) {
        if (chunk.has("error")) {
            streamError(chunk.path("error").path("message").asText("upstream error"),
                    chunk.path("error").path("status").asText("api_error"));
            return;
        }
        if (id == null) {
            id = "chatcmpl-" + chunk.path("responseId").asText("gemini");
        }
        if (chunk.has("usageMetadata")) {
            geminiUsage(chunk.path("usageMetadata"));
        }
        for (JsonNode candidate : chunk.path("candidates")) {
            int index = candidate.path("index").asInt(0);
            if (!roleSent) {
                roleChunk(index);
            }
            for (JsonNode part : candidate.path("content").path("parts")) {
                if (part.path("thought").asBoolean(false)) {
                    continue;
                }
                if (part.has("text")) {
                    chunk(index, JSON.createObjectNode().put("content", part.path("text").asText()), null);
                } else if (part.has("functionCall")) {
                    called(index);
                    ObjectNode delta = JSON.createObjectNode();
                    delta.putArray("tool_calls").add(geminiToolCall(part, toolCalls++, true));
                    chunk(index, delta, null);
                }
            }
            if (candidate.hasNonNull("finishReason")) {
                chunk(index, JSON.createObjectNode(), geminiFinish(candidate.path("finishReason").asText(),
                        candidateCalled(index)));
                ended = true;
            }
        }
    }

    /** The stream ended: the usage chunk when asked for, then {@code [DONE]}. */
    private void endStream() {
        if (!ended) {
            // Cut short without a finish: no [DONE], so that no caller takes it for a whole answer.
            return;
        }
        if (call.includeUsage) {
            ObjectNode chunk = chunkHead();
            chunk.putArray("choices");
            chunk.set("usage", usage());
            line(chunk);
        }
        out.writeBytes(DONE);
    }

    private void streamError(String message, String code) {
        ObjectNode error = JSON.createObjectNode();
        error.putObject("error").put("message", message).put("type", "api_error").putNull("param").put("code", code);
        line(error);
        failed = true;
    }

    private void roleChunk(int index) {
        roleSent = true;
        chunk(index, JSON.createObjectNode().put("role", "assistant").put("content", ""), null);
    }

    private void chunk(int index, ObjectNode delta, String finish) {
        ObjectNode chunk = chunkHead();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", index);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        line(chunk);
    }

    private ObjectNode chunkHead() {
        return JSON.createObjectNode().put("id", id == null ? "chatcmpl-aegis" : id)
                .put("object", "chat.completion.chunk").put("created", call.createdEpochSeconds)
                .put("model", call.model);
    }

    private void line(ObjectNode json) {
        try {
            out.writeBytes(DATA_PREFIX);
            out.writeBytes(JSON.writeValueAsBytes(json));
            out.writeBytes(EVENT_END);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- Whole answers ----

    private void whole() {
        JsonNode body;
        try {
            body = JSON.readTree(unit, 0, unitLength);
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            writeError(502, "the upstream answered with a body that is not JSON", "upstream_protocol");
            return;
        }
        ObjectNode completion = JSON.createObjectNode();
        ArrayNode choices;
        if (call.provider == Provider.ANTHROPIC) {
            completion.put("id", "chatcmpl-" + body.path("id").asText("msg"));
            completion.put("object", "chat.completion").put("created", call.createdEpochSeconds)
                    .put("model", body.path("model").asText(call.model));
            choices = completion.putArray("choices");
            ObjectNode message = JSON.createObjectNode().put("role", "assistant");
            StringBuilder text = new StringBuilder();
            ArrayNode calls = JSON.createArrayNode();
            boolean jsonAnswer = false;
            for (JsonNode block : body.path("content")) {
                String type = block.path("type").asText();
                if (type.equals("text")) {
                    text.append(block.path("text").asText());
                } else if (type.equals("tool_use")) {
                    if (call.jsonThroughTool && block.path("name").asText().equals(ChatRequestTranslator.JSON_TOOL)) {
                        text.append(block.path("input").toString());
                        jsonAnswer = true;
                    } else {
                        ObjectNode toolCall = calls.addObject().put("id", block.path("id").asText())
                                .put("type", "function");
                        toolCall.putObject("function").put("name", block.path("name").asText())
                                .put("arguments", block.path("input").toString());
                    }
                }
            }
            message.put("content", text.length() == 0 && !calls.isEmpty() ? null : text.toString());
            if (!calls.isEmpty()) {
                message.set("tool_calls", calls);
            }
            message.putNull("refusal");
            ObjectNode choice = choices.addObject().put("index", 0);
            choice.set("message", message);
            choice.putNull("logprobs");
            String stop = body.path("stop_reason").asText("end_turn");
            choice.put("finish_reason", jsonAnswer ? "stop" : anthropicFinish(stop));
            anthropicUsage(body.path("usage"));
            outputTokens = body.path("usage").path("output_tokens").asLong();
        } else {
            completion.put("id", "chatcmpl-" + body.path("responseId").asText("gemini"));
            completion.put("object", "chat.completion").put("created", call.createdEpochSeconds)
                    .put("model", body.path("modelVersion").asText(call.model));
            choices = completion.putArray("choices");
            for (JsonNode candidate : body.path("candidates")) {
                int index = candidate.path("index").asInt(choices.size());
                ObjectNode message = JSON.createObjectNode().put("role", "assistant");
                StringBuilder text = new StringBuilder();
                ArrayNode calls = JSON.createArrayNode();
                for (JsonNode part : candidate.path("content").path("parts")) {
                    if (part.path("thought").asBoolean(false)) {
                        continue;
                    }
                    if (part.has("text")) {
                        text.append(part.path("text").asText());
                    } else if (part.has("functionCall")) {
                        calls.add(geminiToolCall(part, calls.size(), false));
                    }
                }
                message.put("content", text.length() == 0 && !calls.isEmpty() ? null : text.toString());
                if (!calls.isEmpty()) {
                    message.set("tool_calls", calls);
                }
                message.putNull("refusal");
                ObjectNode choice = choices.addObject().put("index", index);
                choice.set("message", message);
                choice.putNull("logprobs");
                choice.put("finish_reason", geminiFinish(candidate.path("finishReason").asText("STOP"), !calls.isEmpty()));
            }
            geminiUsage(body.path("usageMetadata"));
        }
        completion.set("usage", usage());
        write(completion);
    }

    /** An upstream error body in OpenAI's shape, with the upstream's status. */
    private void error() {
        JsonNode body;
        try {
            body = JSON.readTree(unit, 0, unitLength);
        } catch (IOException e) {
            body = null;
        }
        JsonNode error = body == null ? JSON.createObjectNode() : body.path("error");
        String message = error.path("message").asText("the upstream answered with status " + status);
        String code = error.has("type") ? error.path("type").asText() : error.path("status").asText(null);
        writeError(status, message, code);
    }

    private void writeError(int httpStatus, String message, String code) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode error = out.putObject("error").put("message", message).put("type", errorType(httpStatus));
        error.putNull("param");
        error.put("code", code);
        write(out);
    }

    /** OpenAI's error type for an HTTP status. */
    public static String errorType(int status) {
        return switch (status) {
            case 400, 404, 405, 409, 413, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            default -> "api_error";
        };
    }

    private void write(ObjectNode json) {
        try {
            out.writeBytes(JSON.writeValueAsBytes(json));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- Shared ----

    private ObjectNode geminiToolCall(JsonNode part, int index, boolean stream) {
        JsonNode functionCall = part.path("functionCall");
        ObjectNode toolCall = JSON.createObjectNode();
        if (stream) {
            toolCall.put("index", index);
        }
        String callId = functionCall.path("id").asText("");
        if (callId.isEmpty()) {
            callId = "call_" + (id == null ? "" : id.substring(id.indexOf('-') + 1) + "_") + index;
        }
        String signature = part.path("thoughtSignature").asText("");
        // The signature rides in the id too: clients that drop unknown fields still send ids back.
        toolCall.put("id", signature.isEmpty() ? callId : callId + SIGNATURE_MARK + signature);
        toolCall.put("type", "function");
        toolCall.putObject("function").put("name", functionCall.path("name").asText())
                .put("arguments", functionCall.path("args").isMissingNode() ? "{}" : functionCall.path("args").toString());
        if (part.hasNonNull("thoughtSignature")) {
            // Gemini needs it back on the next turn: carried opaquely, as Google's own compatible API does.
            toolCall.putObject("extra_content").putObject("google")
                    .put("thought_signature", part.path("thoughtSignature").asText());
        }
        return toolCall;
    }

    private ObjectNode usage() {
        long prompt = inputTokens + cacheReadTokens + cacheWriteTokens;
        ObjectNode usage = JSON.createObjectNode().put("prompt_tokens", prompt).put("completion_tokens", outputTokens)
                .put("total_tokens", prompt + outputTokens);
        ObjectNode promptDetails = usage.putObject("prompt_tokens_details").put("cached_tokens", cacheReadTokens);
        if (call.provider == Provider.ANTHROPIC) {
            promptDetails.put("cache_write_tokens", cacheWriteTokens);
        }
        usage.putObject("completion_tokens_details").put("reasoning_tokens", reasoningTokens);
        return usage;
    }

    private void anthropicUsage(JsonNode usage) {
        inputTokens = usage.path("input_tokens").asLong(inputTokens);
        cacheReadTokens = usage.path("cache_read_input_tokens").asLong(cacheReadTokens);
        cacheWriteTokens = usage.path("cache_creation_input_tokens").asLong(cacheWriteTokens);
        outputTokens = usage.path("output_tokens").asLong(outputTokens);
        usageSeen = true;
    }

    /** A {@code message_delta}'s usage is cumulative and may restate the input counts. */
    private void anthropicUsageUpdate(JsonNode usage) {
        if (usage.has("input_tokens")) {
            inputTokens = usage.path("input_tokens").asLong();
        }
        if (usage.has("cache_read_input_tokens")) {
            cacheReadTokens = usage.path("cache_read_input_tokens").asLong();
        }
        if (usage.has("cache_creation_input_tokens")) {
            cacheWriteTokens = usage.path("cache_creation_input_tokens").asLong();
        }
    }

    /** Gemini: the last usage seen counts, never a sum; cached tokens are inside the prompt count. */
    private void geminiUsage(JsonNode usage) {
        long prompt = usage.path("promptTokenCount").asLong(0);
        cacheReadTokens = usage.path("cachedContentTokenCount").asLong(0);
        inputTokens = prompt - cacheReadTokens;
        cacheWriteTokens = 0;
        reasoningTokens = usage.path("thoughtsTokenCount").asLong(0);
        outputTokens = usage.path("candidatesTokenCount").asLong(0) + reasoningTokens;
        usageSeen = true;
    }

    static String anthropicFinish(String stopReason) {
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    static String geminiFinish(String finishReason, boolean called) {
        return switch (finishReason) {
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> "content_filter";
            default -> called ? "tool_calls" : "stop";
        };
    }

    private void setBlockTool(int index, int tool) {
        if (index >= 0 && index < 1024) {
            if (index >= blockTool.length) {
                int old = blockTool.length;
                blockTool = Arrays.copyOf(blockTool, index + 8);
                Arrays.fill(blockTool, old, blockTool.length, -1);
            }
            blockTool[index] = tool;
        }
    }

    private int blockTool(int index) {
        return index >= 0 && index < blockTool.length ? blockTool[index] : -1;
    }

    private void called(int candidate) {
        if (candidate >= 0 && candidate < 64) {
            if (candidate >= candidateCalled.length) {
                candidateCalled = Arrays.copyOf(candidateCalled, candidate + 4);
            }
            candidateCalled[candidate] = true;
        }
    }

    private boolean candidateCalled(int candidate) {
        return candidate >= 0 && candidate < candidateCalled.length && candidateCalled[candidate];
    }

    /** Adds bytes to the unit under way, unless that would pass the bound. */
    private void append(ByteBuf buffer, int index, int length) {
        if (room(length)) {
            buffer.getBytes(index, unit, unitLength, length);
            unitLength += length;
        }
    }

    /** Makes room for {@code more} bytes; false (and {@link #tooLarge}) past the bound. */
    private boolean room(int more) {
        if (tooLarge || (long) unitLength + more > maxUnitBytes) {
            tooLarge = true;
            return false;
        }
        if (unitLength + more > unit.length) {
            unit = Arrays.copyOf(unit, Math.max(unit.length * 2, unitLength + more));
        }
        return true;
    }
}
