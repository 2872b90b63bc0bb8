package io.aegis.cost;

import io.aegis.yaml.YamlDocument;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;


/**
 * Reads {@code configs/pricing.yaml}: USD per million tokens, converted exactly to nano-dollars a
 * token (so at most three decimals). A model without cache-write prices (Gemini) is charged its
 * input price for any cache write; {@code cache_write_1h} defaults to {@code cache_write_5m}.
 * Every problem is reported at once, located ({@code FILE:LINE:COL: key: message}).
 */
public final class PricingReader {
    private static final Set<String> TOP_KEYS = Set.of("version", "unknown_model", "models");
    private static final Set<String> MODEL_KEYS = Set.of("input", "output", "cache_write_5m", "cache_write_1h",
            "cache_read", "max_output", "above_200k");
    private static final Set<String> TIER_KEYS = Set.of("input", "output", "cache_write_5m", "cache_write_1h", "cache_read");
    private static final BigDecimal NANOS_PER_TOKEN_PER_USD_PER_MILLION = BigDecimal.valueOf(1000);

    private final YamlDocument doc;

    private PricingReader(YamlDocument doc) {
        this.doc = doc;
    }

    public static Pricing read(Path path) throws PricingException {
        PricingReader reader = new PricingReader(YamlDocument.read(path));
        Pricing pricing = reader.doc.hasProblems() ? null : reader.pricing(reader.doc.root());
        if (reader.doc.hasProblems()) {
            throw new PricingException(reader.doc.problems());
        }
        return pricing;
    }

    private Pricing pricing(Node root) {
        Map<String, Node> top = doc.mapping(root, "", TOP_KEYS);
        if (!"1".equals(YamlDocument.scalar(top.get("version")))) {
            doc.problem(top.containsKey("version") ? top.get("version") : root, "version", "expected 1");
        }
        ModelPricing unknown = null;
        if (!top.containsKey("unknown_model")) {
            doc.problem(root, "unknown_model", "required (prices for models the file does not list; never free)");
        } else {
            unknown = model("unknown_model", top.get("unknown_model"), false);
        }
        Map<String, ModelPricing> models = new LinkedHashMap<>();
        if (!top.containsKey("models")) {
            doc.problem(root, "models", "required");
        } else {
            Node modelsNode = top.get("models");
            for (Map.Entry<String, Node> entry : doc.mapping(modelsNode, "models", null).entrySet()) {
                if (!entry.getKey().matches("[a-z0-9][a-z0-9._-]*")) {
                    doc.problem(YamlDocument.keyNode(modelsNode, entry.getKey()), "models." + entry.getKey(),
                            "model ids are lower case letters, digits, '.', '_' and '-'");
                }
                ModelPricing model = model(entry.getKey(), entry.getValue(), true);
                if (model != null) {
                    models.put(entry.getKey(), model);
                }
            }
        }
        return doc.hasProblems() ? null : new Pricing(models, unknown);
    }

    private ModelPricing model(String id, Node node, boolean known) {
        String where = known ? "models." + id : id;
        int before = doc.problems().size();
        Map<String, Node> fields = doc.mapping(node, where, MODEL_KEYS);
        if (doc.problems().size() > before && fields.isEmpty()) {
            return null;
        }
        Price base = price(where, node, fields);
        Price longContext = null;
        if (fields.containsKey("above_200k")) {
            Node tierNode = fields.get("above_200k");
            longContext = price(where + ".above_200k", tierNode, doc.mapping(tierNode, where + ".above_200k", TIER_KEYS));
        }
        long maxOutput = 0;
        if (!fields.containsKey("max_output")) {
            doc.problem(node, where + ".max_output",
                    "required (the output cap a budget reservation assumes when a request names none)");
        } else {
            Node value = fields.get("max_output");
            try {
                maxOutput = Long.parseLong(String.valueOf(YamlDocument.scalar(value)));
            } catch (NumberFormatException e) {
                maxOutput = -1;
            }
            if (maxOutput <= 0) {
                doc.problem(value, where + ".max_output", "a positive whole number of tokens");
            }
        }
        if (base == null) {
            return null;
        }
        return new ModelPricing(id, base, longContext, ModelPricing.LONG_CONTEXT_TOKENS, maxOutput, known);
    }

    private Price price(String where, Node node, Map<String, Node> fields) {
        long input = nanos(where, node, fields, "input", -1);
        long output = nanos(where, node, fields, "output", -1);
        // Defaults follow the input price; a bad input price is reported once, not again through them.
        long cacheRead = nanos(where, node, fields, "cache_read", Math.max(input, 0));
        long cacheWrite5m = nanos(where, node, fields, "cache_write_5m", Math.max(input, 0));
        long cacheWrite1h = nanos(where, node, fields, "cache_write_1h", Math.max(cacheWrite5m, 0));
        if (input < 0 || output < 0 || cacheRead < 0 || cacheWrite5m < 0 || cacheWrite1h < 0) {
            return null;
        }
        return new Price(input, output, cacheWrite5m, cacheWrite1h, cacheRead);
    }

    /** A USD-per-million price as nano-dollars a token; {@code otherwise} when absent (-1: required). */
    private long nanos(String where, Node node, Map<String, Node> fields, String key, long otherwise) {
        Node value = fields.get(key);
        String path = where + "." + key;
        if (value == null) {
            if (otherwise < 0) {
                doc.problem(node, path, "required (USD per million tokens)");
            }
            return otherwise;
        }
        String text = YamlDocument.scalar(value);
        try {
            BigDecimal usdPerMillion = new BigDecimal(text == null ? "" : text);
            if (usdPerMillion.signum() < 0) {
                doc.problem(value, path, "a price cannot be negative");
                return -1;
            }
            return usdPerMillion.multiply(NANOS_PER_TOKEN_PER_USD_PER_MILLION).longValueExact();
        } catch (NumberFormatException e) {
            doc.problem(value, path, "expected USD per million tokens, such as 3 or 0.125");
        } catch (ArithmeticException e) {
            doc.problem(value, path, "at most three decimals (money is held in whole nano-dollars a token)");
        }
        return -1;
    }
}
