package io.aegis.cost;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pricing table: model id → prices. A dated or suffixed id takes the price of the longest
 * listed id it starts with followed by {@code -} ({@code claude-sonnet-4-5-20250929} →
 * {@code claude-sonnet-4-5}); anything else gets the configured default, marked unknown, never free.
 * Lookups of ids seen before are one hash lookup.
 */
public final class Pricing {
    /** Ids are cached once resolved; past this many distinct ids new ones are resolved each time. */
    private static final int CACHE_LIMIT = 10_000;

    private final Map<String, ModelPricing> models;
    private final List<String> longestFirst;
    private final ModelPricing unknown;
    private final Map<String, ModelPricing> resolved = new ConcurrentHashMap<>();

    public Pricing(Map<String, ModelPricing> models, ModelPricing unknown) {
        this.models = Map.copyOf(models);
        List<String> ids = new ArrayList<>(models.keySet());
        ids.sort(Comparator.comparingInt(String::length).reversed());
        this.longestFirst = List.copyOf(ids);
        this.unknown = unknown;
    }

    /** The prices for {@code modelId}; {@link ModelPricing#known()} is false for the default. */
    public ModelPricing of(String modelId) {
        if (modelId == null) {
            return unknown;
        }
        ModelPricing pricing = resolved.get(modelId);
        if (pricing != null) {
            return pricing;
        }
        pricing = resolve(modelId);
        if (resolved.size() < CACHE_LIMIT) {
            resolved.put(modelId, pricing);
        }
        return pricing;
    }

    private ModelPricing resolve(String modelId) {
        ModelPricing exact = models.get(modelId);
        if (exact != null) {
            return exact;
        }
        for (String id : longestFirst) {
            if (modelId.startsWith(id) && modelId.charAt(id.length()) == '-') {
                return models.get(id);
            }
        }
        return unknown;
    }

    public Map<String, ModelPricing> models() {
        return models;
    }

    public ModelPricing unknownModel() {
        return unknown;
    }
}
