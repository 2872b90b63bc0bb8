package io.aegis.gateway.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code GET /v1/models}: the models a caller of this gateway can name, from the pricing table
 * (for the providers configured here) and the configured aliases, in OpenAI's list shape.
 */
public final class ModelList {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelList() {
    }

    /** The list as JSON bytes; {@code anthropic} and {@code gemini}: whether each provider is configured. */
    public static byte[] json(Collection<String> pricedModels, Map<String, String> aliases, boolean anthropic,
                              boolean gemini) {
        ObjectNode list = JSON.createObjectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        for (String model : new TreeSet<>(pricedModels)) {
            if (model.startsWith("claude-") && anthropic) {
                entry(data, model, "anthropic");
            } else if (model.startsWith("gemini-") && gemini) {
                entry(data, model, "google");
            }
        }
        for (Map.Entry<String, String> alias : new java.util.TreeMap<>(aliases).entrySet()) {
            boolean toAnthropic = alias.getValue().startsWith("claude-") || alias.getValue().startsWith("anthropic/");
            if (toAnthropic ? anthropic : gemini) {
                entry(data, alias.getKey(), toAnthropic ? "anthropic" : "google");
            }
        }
        try {
            return JSON.writeValueAsBytes(list);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void entry(ArrayNode data, String id, String owner) {
        data.addObject().put("id", id).put("object", "model").put("created", 0).put("owned_by", owner);
    }
}
