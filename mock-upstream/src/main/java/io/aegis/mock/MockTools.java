package io.aegis.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aegis.wire.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The tool calls the mock answers with: {@code x-mock-tool-calls: N} calls, or one when the request
 * forces a tool (Anthropic {@code tool_choice} {@code tool}/{@code any}, Gemini mode {@code ANY}).
 * Call {@code i} uses the {@code i}-th declared tool (round robin; the forced one when named), with
 * arguments made from its schema: every property gets a value of its type.
 */
final class MockTools {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One call: its tool's name and arguments. */
    record Call(String name, ObjectNode arguments) {
    }

    private MockTools() {
    }

    static List<Call> calls(Provider provider, JsonNode body, String header) {
        List<JsonNode> tools = new ArrayList<>();
        String forced = null;
        boolean forcedAny = false;
        if (provider == Provider.ANTHROPIC) {
            body.path("tools").forEach(tools::add);
            String type = body.path("tool_choice").path("type").asText("");
            forcedAny = type.equals("any") || type.equals("tool");
            forced = type.equals("tool") ? body.path("tool_choice").path("name").asText(null) : null;
        } else {
            for (JsonNode group : body.path("tools")) {
                group.path("functionDeclarations").forEach(tools::add);
            }
            JsonNode config = body.path("toolConfig").path("functionCallingConfig");
            forcedAny = config.path("mode").asText("").equals("ANY");
            forced = config.path("allowedFunctionNames").path(0).asText(null);
        }
        int count = header != null ? Integer.parseInt(header.trim()) : forcedAny ? 1 : 0;
        List<Call> calls = new ArrayList<>();
        if (tools.isEmpty()) {
            return calls;
        }
        for (int i = 0; i < count; i++) {
            JsonNode tool = tools.get(i % tools.size());
            if (forced != null) {
                for (JsonNode t : tools) {
                    if (t.path("name").asText().equals(forced)) {
                        tool = t;
                    }
                }
            }
            JsonNode schema = provider == Provider.ANTHROPIC ? tool.path("input_schema")
                    : tool.has("parametersJsonSchema") ? tool.path("parametersJsonSchema") : tool.path("parameters");
            calls.add(new Call(tool.path("name").asText(), arguments(schema, i)));
        }
        return calls;
    }

    private static ObjectNode arguments(JsonNode schema, int i) {
        ObjectNode args = JSON.createObjectNode();
        for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
            String name = property.getKey();
            switch (property.getValue().path("type").asText("string")) {
                case "integer", "number" -> args.put(name, i + 1);
                case "boolean" -> args.put(name, true);
                case "array" -> args.putArray(name);
                case "object" -> args.putObject(name);
                default -> args.put(name, name + "-" + (i + 1));
            }
        }
        return args;
    }
}
