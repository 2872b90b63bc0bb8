package io.aegis.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aegis.wire.Operation;
import io.aegis.wire.Provider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Translates a Chat Completions request into the native request of the provider its model names:
 * Anthropic Messages or Gemini generateContent. Every parameter is either mapped, refused with a
 * 400 naming it, or (only when the caller sends {@code x-aegis-drop-params: true}) dropped; values
 * out of the target's range are refused, never clamped. Thread-safe: it keeps nothing per call.
 */
public final class ChatRequestTranslator {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Parameters every target honours or that need no mapping. */
    private static final Set<String> COMMON = Set.of("model", "messages", "stream", "stream_options", "max_tokens",
            "max_completion_tokens", "temperature", "top_p", "stop", "tools", "tool_choice", "parallel_tool_calls",
            "response_format", "reasoning_effort", "n", "user");
    /** Gemini honours these too. */
    private static final Set<String> GEMINI_ONLY = Set.of("presence_penalty", "frequency_penalty", "seed");
    /** Thinking budgets for {@code reasoning_effort}. */
    private static final Map<String, Integer> REASONING_BUDGETS = Map.of("minimal", 1024, "low", 1024,
            "medium", 4096, "high", 16384);
    static final String JSON_TOOL = "json_response";

    private final OpenAiSettings settings;

    public ChatRequestTranslator(OpenAiSettings settings) {
        this.settings = settings;
    }

    /** Why a request cannot be translated: the message, the parameter at fault, and whether the model is unknown. */
    public static final class Problem extends Exception {
        private final String param;
        private final boolean unknownModel;

        Problem(String message, String param, boolean unknownModel) {
            super(message, null, false, false);
            this.param = param;
            this.unknownModel = unknownModel;
        }

        Problem(String message, String param) {
            this(message, param, false);
        }

        public String param() {
            return param;
        }

        public boolean unknownModel() {
            return unknownModel;
        }
    }

    /** Where the translated request goes and what it says. */
    public record Native(Operation operation, String pathModel, String upstreamPath, String query, ByteBuf body) {
    }

    /**
     * Translates {@code body} (not released here); fills {@code call} with what the answer must
     * honour. {@code dropUnsupported}: the caller's {@code x-aegis-drop-params: true}.
     */
    public Native translate(ByteBuf body, boolean dropUnsupported, OpenAiCall call) throws Problem {
        JsonNode root;
        try (ByteBufInputStream in = new ByteBufInputStream(body.duplicate())) {
            root = JSON.readTree((java.io.InputStream) in);
        } catch (IOException e) {
            throw new Problem("the request body is not valid JSON", null);
        }
        if (root == null || !root.isObject()) {
            throw new Problem("the request body must be a JSON object", null);
        }
        JsonNode modelNode = root.get("model");
        if (modelNode == null || !modelNode.isTextual() || modelNode.asText().isEmpty()) {
            throw new Problem("model is required", "model");
        }
        String requested = modelNode.asText();
        String target = settings.modelAliases().getOrDefault(requested, requested);
        Provider provider;
        String model;
        if (target.startsWith("anthropic/")) {
            provider = Provider.ANTHROPIC;
            model = target.substring("anthropic/".length());
        } else if (target.startsWith("gemini/")) {
            provider = Provider.GEMINI;
            model = target.substring("gemini/".length());
        } else if (target.startsWith("claude-")) {
            provider = Provider.ANTHROPIC;
            model = target;
        } else if (target.startsWith("gemini-")) {
            provider = Provider.GEMINI;
            model = target;
        } else {
            throw new Problem("the model '" + clip(requested) + "' does not exist here: use claude-*, gemini-*, "
                    + "anthropic/<model>, gemini/<model> or an alias from the gateway's config", "model", true);
        }
        if (!isModelId(model)) {
            throw new Problem("the model '" + clip(requested) + "' is not a valid model id", "model");
        }
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new Problem("messages must be a non-empty array", "messages");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            boolean known = COMMON.contains(name) || provider == Provider.GEMINI && GEMINI_ONLY.contains(name);
            if (!known && !dropUnsupported && !asIfAbsent(root.get(name))) {
                throw new Problem("the parameter '" + clip(name) + "' is not supported for "
                        + (provider == Provider.ANTHROPIC ? "Anthropic" : "Gemini")
                        + " models (send x-aegis-drop-params: true to drop unsupported parameters)", name);
            }
        }
        call.provider = provider;
        call.model = model;
        call.stream = root.path("stream").asBoolean(false);
        call.includeUsage = call.stream && root.path("stream_options").path("include_usage").asBoolean(false);
        call.createdEpochSeconds = System.currentTimeMillis() / 1000;
        int n = intParam(root, "n", 1, 1, 8);
        call.choices = n;
        Double temperature = decimalParam(root, "temperature", 0, provider == Provider.ANTHROPIC ? 1 : 2);
        Double topP = decimalParam(root, "top_p", 0, 1);
        long maxTokens = maxTokens(root);
        JsonNode stop = stopSequences(root);
        Integer thinkingBudget = reasoningBudget(root);
        ObjectNode out = provider == Provider.ANTHROPIC
                ? anthropic(root, model, n, temperature, topP, maxTokens, stop, thinkingBudget, call, dropUnsupported)
                : gemini(root, n, temperature, topP, maxTokens, stop, thinkingBudget, dropUnsupported);
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(out);
        } catch (IOException e) {
            throw new Problem("the request cannot be translated", null);
        }
        ByteBuf nativeBody = Unpooled.wrappedBuffer(bytes);
        if (provider == Provider.ANTHROPIC) {
            return new Native(Operation.ANTHROPIC_MESSAGES, null, "/v1/messages", null, nativeBody);
        }
        return call.stream
                ? new Native(Operation.GEMINI_STREAM_GENERATE_CONTENT, model,
                        "/v1beta/models/" + model + ":streamGenerateContent", "alt=sse", nativeBody)
                : new Native(Operation.GEMINI_GENERATE_CONTENT, model, "/v1beta/models/" + model + ":generateContent",
                        null, nativeBody);
    }

    /**
     * A value that asks for nothing (null, false, zero, empty): what many clients send for every
     * parameter they know. Taking it is not dropping anything, so it is no reason to refuse.
     */
    private static boolean asIfAbsent(JsonNode value) {
        return value == null || value.isNull() || value.isBoolean() && !value.asBoolean()
                || value.isNumber() && value.asDouble() == 0 || value.isContainerNode() && value.isEmpty()
                || value.isTextual() && (value.asText().isEmpty() || value.asText().equals("auto")
                        || value.asText().equals("default"));
    }

    // ---- Anthropic ----

    private ObjectNode anthropic(JsonNode root, String model, int n, Double temperature, Double topP, long maxTokens,
                                 JsonNode stop, Integer thinkingBudget, OpenAiCall call, boolean drop) throws Problem {
        if (n != 1) {
            throw new Problem("n must be 1 for Anthropic models (they return one choice)", "n");
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("model", model);
        long limit = maxTokens > 0 ? maxTokens : settings.defaultMaxTokens();
        if (thinkingBudget != null) {
            // Anthropic counts thinking inside max_tokens: the caller's limit stays the answer's.
            out.putObject("thinking").put("type", "enabled").put("budget_tokens", thinkingBudget);
            limit += thinkingBudget;
            if (temperature != null && temperature != 1.0) {
                throw new Problem("temperature must be 1 (or left out) with reasoning_effort on Anthropic models",
                        "temperature");
            }
        }
        out.put("max_tokens", limit);
        ArrayNode system = JSON.createArrayNode();
        ArrayNode messages = out.putArray("messages");
        Map<String, String> toolNames = new HashMap<>();
        for (JsonNode message : root.get("messages")) {
            String role = message.path("role").asText("");
            switch (role) {
                case "system", "developer" -> {
                    for (JsonNode part : contentParts(message, role)) {
                        if (!part.path("type").asText().equals("text")) {
                            throw new Problem(role + " messages take text only", "messages");
                        }
                        system.addObject().put("type", "text").put("text", part.path("text").asText());
                    }
                }
                case "user" -> {
                    ArrayNode blocks = turn(messages, "user", "content");
                    for (JsonNode part : contentParts(message, role)) {
                        anthropicPart(part, blocks);
                    }
                }
                case "assistant" -> {
                    ArrayNode blocks = turn(messages, "assistant", "content");
                    for (String text : assistantTexts(message)) {
                        blocks.addObject().put("type", "text").put("text", text);
                    }
                    for (JsonNode toolCall : message.path("tool_calls")) {
                        String id = toolCall.path("id").asText();
                        String name = toolCall.path("function").path("name").asText();
                        toolNames.put(id, name);
                        ObjectNode use = blocks.addObject().put("type", "tool_use").put("id", id).put("name", name);
                        use.set("input", arguments(toolCall));
                    }
                }
                case "tool" -> {
                    ArrayNode blocks = turn(messages, "user", "content");
                    ObjectNode result = blocks.addObject().put("type", "tool_result")
                            .put("tool_use_id", message.path("tool_call_id").asText());
                    result.put("content", textOf(message));
                }
                default -> throw new Problem("message role '" + clip(role) + "' is not one of system, developer, user, "
                        + "assistant, tool", "messages");
            }
        }
        if (!system.isEmpty()) {
            out.set("system", system);
        }
        if (call.stream) {
            out.put("stream", true);
        }
        if (temperature != null) {
            out.put("temperature", temperature);
        }
        if (topP != null) {
            out.put("top_p", topP);
        }
        if (stop != null) {
            out.set("stop_sequences", stop);
        }
        if (root.hasNonNull("user")) {
            out.putObject("metadata").put("user_id", root.get("user").asText());
        }
        ArrayNode tools = JSON.createArrayNode();
        for (JsonNode tool : root.path("tools")) {
            JsonNode function = function(tool);
            ObjectNode t = tools.addObject().put("name", function.path("name").asText());
            if (function.hasNonNull("description")) {
                t.put("description", function.get("description").asText());
            }
            t.set("input_schema", function.has("parameters") ? function.get("parameters")
                    : JSON.createObjectNode().put("type", "object"));
        }
        ObjectNode toolChoice = anthropicToolChoice(root);
        JsonNode format = root.path("response_format");
        String formatType = format.path("type").asText("text");
        if (formatType.equals("json_schema") || formatType.equals("json_object")) {
            // Anthropic has no JSON mode: one forced tool whose input is the answer carries it.
            JsonNode schema = formatType.equals("json_schema") ? format.path("json_schema").path("schema")
                    : JSON.createObjectNode().put("type", "object");
            if (!tools.isEmpty()) {
                throw new Problem("response_format cannot be combined with tools for Anthropic models", "response_format");
            }
            tools.addObject().put("name", JSON_TOOL).put("description", "Give the answer as this JSON value.")
                    .set("input_schema", schema.isObject() ? schema : JSON.createObjectNode().put("type", "object"));
            toolChoice = JSON.createObjectNode().put("type", "tool").put("name", JSON_TOOL);
            call.jsonThroughTool = true;
            if (thinkingBudget != null) {
                throw new Problem("response_format cannot be combined with reasoning_effort for Anthropic models",
                        "response_format");
            }
        } else if (!formatType.equals("text")) {
            throw new Problem("response_format type '" + clip(formatType) + "' is not one of text, json_object, "
                    + "json_schema", "response_format");
        }
        if (!tools.isEmpty()) {
            out.set("tools", tools);
        }
        if (toolChoice != null && !tools.isEmpty()) {
            if (root.path("parallel_tool_calls").isBoolean() && !root.get("parallel_tool_calls").asBoolean()
                    && !toolChoice.path("type").asText().equals("none")) {
                toolChoice.put("disable_parallel_tool_use", true);
            }
            out.set("tool_choice", toolChoice);
        }
        return out;
    }

    private ObjectNode anthropicToolChoice(JsonNode root) throws Problem {
        JsonNode choice = root.get("tool_choice");
        if (choice == null || choice.isNull()) {
            return root.path("parallel_tool_calls").isBoolean() ? JSON.createObjectNode().put("type", "auto") : null;
        }
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "auto" -> JSON.createObjectNode().put("type", "auto");
                case "none" -> JSON.createObjectNode().put("type", "none");
                case "required" -> JSON.createObjectNode().put("type", "any");
                default -> throw new Problem("tool_choice must be auto, none, required or a function", "tool_choice");
            };
        }
        String name = choice.path("function").path("name").asText("");
        if (name.isEmpty()) {
            throw new Problem("tool_choice names no function", "tool_choice");
        }
        return JSON.createObjectNode().put("type", "tool").put("name", name);
    }

    private static void anthropicPart(JsonNode part, ArrayNode blocks) throws Problem {
        String type = part.path("type").asText();
        if (type.equals("text")) {
            blocks.addObject().put("type", "text").put("text", part.path("text").asText());
        } else if (type.equals("image_url")) {
            String url = part.path("image_url").path("url").asText("");
            ObjectNode source = blocks.addObject().put("type", "image").putObject("source");
            DataUrl data = DataUrl.parse(url);
            if (data != null) {
                source.put("type", "base64").put("media_type", data.mediaType()).put("data", data.base64());
            } else if (url.startsWith("https://") || url.startsWith("http://")) {
                source.put("type", "url").put("url", url);
            } else {
                throw new Problem("image_url.url must be a data: URL or an http(s) URL", "messages");
            }
        } else {
            throw new Problem("content part type '" + clip(type) + "' is not supported (text, image_url)", "messages");
        }
    }

    /**
     * The {@code field} array ({@code content} blocks, Gemini's {@code parts}) of the last message if it
     * has {@code role}, else of a new one: consecutive turns of a role merge.
     */
    private static ArrayNode turn(ArrayNode messages, String role, String field) {
        if (!messages.isEmpty()) {
            JsonNode last = messages.get(messages.size() - 1);
            if (last.path("role").asText().equals(role)) {
                return (ArrayNode) last.get(field);
            }
        }
        return messages.addObject().put("role", role).putArray(field);
    }

    // ---- Gemini ----

    private ObjectNode gemini(JsonNode root, int n, Double temperature, Double topP, long maxTokens, JsonNode stop,
                              Integer thinkingBudget, boolean drop) throws Problem {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode contents = out.putArray("contents");
        ArrayNode system = JSON.createArrayNode();
        Map<String, String> toolNames = new HashMap<>();
        for (JsonNode message : root.get("messages")) {
            String role = message.path("role").asText("");
            switch (role) {
                case "system", "developer" -> {
                    for (JsonNode part : contentParts(message, role)) {
                        system.addObject().put("text", part.path("text").asText());
                    }
                }
                case "user" -> {
                    ArrayNode parts = turn(contents, "user", "parts");
                    for (JsonNode part : contentParts(message, role)) {
                        geminiPart(part, parts);
                    }
                }
                case "assistant" -> {
                    ArrayNode parts = turn(contents, "model", "parts");
                    for (String text : assistantTexts(message)) {
                        parts.addObject().put("text", text);
                    }
                    for (JsonNode toolCall : message.path("tool_calls")) {
                        String name = toolCall.path("function").path("name").asText();
                        toolNames.put(toolCall.path("id").asText(), name);
                        ObjectNode part = parts.addObject();
                        ObjectNode functionCall = part.putObject("functionCall").put("name", name);
                        functionCall.set("args", arguments(toolCall));
                        JsonNode signature = toolCall.path("extra_content").path("google").path("thought_signature");
                        String id = toolCall.path("id").asText("");
                        int mark = id.indexOf(ChatAnswerTranslator.SIGNATURE_MARK);
                        if (signature.isTextual()) {
                            part.put("thoughtSignature", signature.asText());
                        } else if (mark >= 0) {
                            part.put("thoughtSignature", id.substring(mark + ChatAnswerTranslator.SIGNATURE_MARK.length()));
                        }
                    }
                }
                case "tool" -> {
                    ArrayNode parts = turn(contents, "user", "parts");
                    String id = message.path("tool_call_id").asText();
                    String name = toolNames.get(id);
                    if (name == null) {
                        throw new Problem("tool message answers tool_call_id '" + clip(id)
                                + "', which no earlier assistant message called", "messages");
                    }
                    ObjectNode response = parts.addObject().putObject("functionResponse").put("name", name)
                            .putObject("response");
                    String text = textOf(message);
                    JsonNode parsed = parseOrNull(text);
                    response.set("content", parsed != null ? parsed : JSON.getNodeFactory().textNode(text));
                }
                default -> throw new Problem("message role '" + clip(role) + "' is not one of system, developer, user, "
                        + "assistant, tool", "messages");
            }
        }
        if (!system.isEmpty()) {
            out.putObject("systemInstruction").set("parts", system);
        }
        ObjectNode generation = JSON.createObjectNode();
        if (maxTokens > 0) {
            generation.put("maxOutputTokens", maxTokens);
        }
        if (temperature != null) {
            generation.put("temperature", temperature);
        }
        if (topP != null) {
            generation.put("topP", topP);
        }
        if (stop != null) {
            if (stop.size() > 5) {
                throw new Problem("stop takes at most 5 sequences for Gemini models", "stop");
            }
            generation.set("stopSequences", stop);
        }
        if (n != 1) {
            generation.put("candidateCount", n);
        }
        if (root.has("presence_penalty")) {
            generation.put("presencePenalty", decimalParam(root, "presence_penalty", -2, 2));
        }
        if (root.has("frequency_penalty")) {
            generation.put("frequencyPenalty", decimalParam(root, "frequency_penalty", -2, 2));
        }
        if (root.has("seed")) {
            generation.put("seed", intParam(root, "seed", 0, Integer.MIN_VALUE, Integer.MAX_VALUE));
        }
        if (thinkingBudget != null) {
            generation.putObject("thinkingConfig").put("thinkingBudget", thinkingBudget);
        }
        JsonNode format = root.path("response_format");
        String formatType = format.path("type").asText("text");
        if (formatType.equals("json_object")) {
            generation.put("responseMimeType", "application/json");
        } else if (formatType.equals("json_schema")) {
            generation.put("responseMimeType", "application/json");
            JsonNode schema = format.path("json_schema").path("schema");
            if (schema.isObject()) {
                generation.set("responseJsonSchema", schema);
            }
        } else if (!formatType.equals("text")) {
            throw new Problem("response_format type '" + clip(formatType) + "' is not one of text, json_object, "
                    + "json_schema", "response_format");
        }
        if (!generation.isEmpty()) {
            out.set("generationConfig", generation);
        }
        ArrayNode declarations = JSON.createArrayNode();
        for (JsonNode tool : root.path("tools")) {
            JsonNode function = function(tool);
            ObjectNode declaration = declarations.addObject().put("name", function.path("name").asText());
            if (function.hasNonNull("description")) {
                declaration.put("description", function.get("description").asText());
            }
            if (function.has("parameters")) {
                declaration.set("parametersJsonSchema", function.get("parameters"));
            }
        }
        if (!declarations.isEmpty()) {
            out.putArray("tools").addObject().set("functionDeclarations", declarations);
            JsonNode choice = root.get("tool_choice");
            if (choice != null && !choice.isNull()) {
                ObjectNode config = out.putObject("toolConfig").putObject("functionCallingConfig");
                if (choice.isTextual()) {
                    switch (choice.asText()) {
                        case "auto" -> config.put("mode", "AUTO");
                        case "none" -> config.put("mode", "NONE");
                        case "required" -> config.put("mode", "ANY");
                        default -> throw new Problem("tool_choice must be auto, none, required or a function",
                                "tool_choice");
                    }
                } else {
                    String name = choice.path("function").path("name").asText("");
                    if (name.isEmpty()) {
                        throw new Problem("tool_choice names no function", "tool_choice");
                    }
                    config.put("mode", "ANY").putArray("allowedFunctionNames").add(name);
                }
            }
        }
        return out;
    }

    private static void geminiPart(JsonNode part, ArrayNode parts) throws Problem {
        String type = part.path("type").asText();
        if (type.equals("text")) {
            parts.addObject().put("text", part.path("text").asText());
        } else if (type.equals("image_url")) {
            String url = part.path("image_url").path("url").asText("");
            DataUrl data = DataUrl.parse(url);
            if (data != null) {
                parts.addObject().putObject("inlineData").put("mimeType", data.mediaType()).put("data", data.base64());
            } else if (url.startsWith("https://") || url.startsWith("http://")) {
                parts.addObject().putObject("fileData").put("fileUri", url);
            } else {
                throw new Problem("image_url.url must be a data: URL or an http(s) URL", "messages");
            }
        } else {
            throw new Problem("content part type '" + clip(type) + "' is not supported (text, image_url)", "messages");
        }
    }

    // ---- Shared ----

    /** The non-empty texts of an assistant message; its content is null when it only calls tools. */
    private static java.util.List<String> assistantTexts(JsonNode message) throws Problem {
        java.util.List<String> texts = new java.util.ArrayList<>();
        if (!message.path("content").isNull() && !message.path("content").isMissingNode()) {
            for (JsonNode part : contentParts(message, "assistant")) {
                String text = part.path("text").asText("");
                if (!text.isEmpty()) {
                    texts.add(text);
                }
            }
        }
        return texts;
    }

    /** A message's content as parts: a string is one text part. */
    private static Iterable<JsonNode> contentParts(JsonNode message, String role) throws Problem {
        JsonNode content = message.get("content");
        if (content == null || content.isNull()) {
            throw new Problem(role + " message has no content", "messages");
        }
        if (content.isTextual()) {
            ArrayNode one = JSON.createArrayNode();
            one.addObject().put("type", "text").put("text", content.asText());
            return one;
        }
        if (!content.isArray()) {
            throw new Problem(role + " message content must be a string or an array of parts", "messages");
        }
        return content;
    }

    private static String textOf(JsonNode message) throws Problem {
        StringBuilder text = new StringBuilder();
        for (JsonNode part : contentParts(message, message.path("role").asText())) {
            text.append(part.path("text").asText(""));
        }
        return text.toString();
    }

    private static JsonNode function(JsonNode tool) throws Problem {
        if (!tool.path("type").asText("function").equals("function") || !tool.path("function").isObject()) {
            throw new Problem("tools take {\"type\":\"function\",\"function\":{...}} entries", "tools");
        }
        JsonNode function = tool.get("function");
        if (!function.path("name").isTextual()) {
            throw new Problem("a tool's function has no name", "tools");
        }
        return function;
    }

    /** A tool call's arguments (a JSON string) as the object providers take. */
    private static JsonNode arguments(JsonNode toolCall) throws Problem {
        String text = toolCall.path("function").path("arguments").asText("{}");
        JsonNode parsed = parseOrNull(text.isEmpty() ? "{}" : text);
        if (parsed == null || !parsed.isObject()) {
            throw new Problem("a tool call's function.arguments must be a JSON object in a string", "messages");
        }
        return parsed;
    }

    private static JsonNode parseOrNull(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    private static long maxTokens(JsonNode root) throws Problem {
        String name = root.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return -1;
        }
        if (!node.canConvertToLong() || !node.isIntegralNumber() || node.asLong() < 1) {
            throw new Problem(name + " must be a whole number of at least 1", name);
        }
        return node.asLong();
    }

    private static JsonNode stopSequences(JsonNode root) throws Problem {
        JsonNode stop = root.get("stop");
        if (stop == null || stop.isNull()) {
            return null;
        }
        ArrayNode out = JSON.createArrayNode();
        if (stop.isTextual()) {
            out.add(stop.asText());
        } else if (stop.isArray()) {
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw new Problem("stop must be a string or an array of strings", "stop");
                }
                out.add(s.asText());
            }
        } else {
            throw new Problem("stop must be a string or an array of strings", "stop");
        }
        return out;
    }

    private static Integer reasoningBudget(JsonNode root) throws Problem {
        JsonNode effort = root.get("reasoning_effort");
        if (effort == null || effort.isNull()) {
            return null;
        }
        Integer budget = REASONING_BUDGETS.get(effort.asText("").toLowerCase(Locale.ROOT));
        if (budget == null) {
            throw new Problem("reasoning_effort must be minimal, low, medium or high", "reasoning_effort");
        }
        return budget;
    }

    private static Double decimalParam(JsonNode root, String name, double min, double max) throws Problem {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber() || node.asDouble() < min || node.asDouble() > max) {
            throw new Problem(name + " must be a number from " + trim(min) + " to " + trim(max)
                    + " for this model; got " + clip(node.toString()), name);
        }
        return node.asDouble();
    }

    private static int intParam(JsonNode root, String name, int fallback, int min, int max) throws Problem {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < min || node.asInt() > max) {
            throw new Problem(name + " must be a whole number from " + min + " to " + max, name);
        }
        return node.asInt();
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** Quoted caller text is cut short: an error message never carries much of a request. */
    private static String clip(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }

    private static boolean isModelId(String model) {
        if (model.isEmpty() || model.charAt(0) == '.') {
            return false;
        }
        for (int i = 0; i < model.length(); i++) {
            char c = model.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
