package io.aegis.cost;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads {@code configs/pricing.yaml}: USD per million tokens, converted exactly to nano-dollars a
 * token (so at most three decimals). A model without cache-write prices (Gemini) is charged its
 * input price for any cache write; {@code cache_write_1h} defaults to {@code cache_write_5m}.
 * Every problem is reported at once as {@code FILE:LINE:COL: message}.
 */
public final class PricingReader {
    private static final Set<String> TOP_KEYS = Set.of("version", "unknown_model", "models");
    private static final Set<String> MODEL_KEYS = Set.of("input", "output", "cache_write_5m", "cache_write_1h",
            "cache_read", "max_output", "above_200k");
    private static final Set<String> TIER_KEYS = Set.of("input", "output", "cache_write_5m", "cache_write_1h", "cache_read");
    private static final BigDecimal NANOS_PER_TOKEN_PER_USD_PER_MILLION = BigDecimal.valueOf(1000);

    private final String file;
    private final List<String> problems = new ArrayList<>();

    private PricingReader(String file) {
        this.file = file;
    }

    public static Pricing read(Path path) throws PricingException {
        PricingReader reader = new PricingReader(path.toString());
        Node root;
        try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            root = new Yaml(new LoaderOptions()).compose(in);
        } catch (NoSuchFileException e) {
            throw new PricingException(List.of(path + ": file not found"));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark();
            throw new PricingException(List.of(path + ":" + (mark == null ? 0 : mark.getLine() + 1) + ":"
                    + (mark == null ? 0 : mark.getColumn() + 1) + ": not valid YAML: " + e.getProblem()));
        } catch (YAMLException | IOException e) {
            throw new PricingException(List.of(path + ": cannot read: " + e.getMessage()));
        }
        Pricing pricing = reader.pricing(root);
        if (!reader.problems.isEmpty()) {
            throw new PricingException(reader.problems);
        }
        return pricing;
    }

    private Pricing pricing(Node root) {
        Map<String, NodeTuple> top = mapping(root, "the pricing file", TOP_KEYS);
        if (top == null) {
            return null;
        }
        if (!top.containsKey("version") || !"1".equals(scalar(top.get("version").getValueNode()))) {
            problem(top.containsKey("version") ? top.get("version").getValueNode() : root, "version: expected 1");
        }
        ModelPricing unknown = null;
        if (!top.containsKey("unknown_model")) {
            problem(root, "unknown_model: required (prices for models the file does not list; never free)");
        } else {
            unknown = model("unknown_model", top.get("unknown_model").getValueNode(), false);
        }
        Map<String, ModelPricing> models = new LinkedHashMap<>();
        if (!top.containsKey("models")) {
            problem(root, "models: required");
        } else {
            Map<String, NodeTuple> entries = mapping(top.get("models").getValueNode(), "models", null);
            if (entries != null) {
                for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
                    if (!entry.getKey().matches("[a-z0-9][a-z0-9._-]*")) {
                        problem(entry.getValue().getKeyNode(), "models." + entry.getKey()
                                + ": model ids are lower case letters, digits, '.', '_' and '-'");
                    }
                    ModelPricing model = model(entry.getKey(), entry.getValue().getValueNode(), true);
                    if (model != null) {
                        models.put(entry.getKey(), model);
                    }
                }
            }
        }
        return problems.isEmpty() ? new Pricing(models, unknown) : null;
    }

    private ModelPricing model(String id, Node node, boolean known) {
        String where = known ? "models." + id : id;
        Map<String, NodeTuple> fields = mapping(node, where, MODEL_KEYS);
        if (fields == null) {
            return null;
        }
        Price base = price(where, node, fields);
        Price longContext = null;
        if (fields.containsKey("above_200k")) {
            Node tierNode = fields.get("above_200k").getValueNode();
            Map<String, NodeTuple> tier = mapping(tierNode, where + ".above_200k", TIER_KEYS);
            if (tier != null) {
                longContext = price(where + ".above_200k", tierNode, tier);
            }
        }
        long maxOutput = 0;
        if (!fields.containsKey("max_output")) {
            problem(node, where + ".max_output: required (the output cap a budget reservation assumes when a request names none)");
        } else {
            Node value = fields.get("max_output").getValueNode();
            try {
                maxOutput = Long.parseLong(scalar(value));
            } catch (NumberFormatException e) {
                maxOutput = -1;
            }
            if (maxOutput <= 0) {
                problem(value, where + ".max_output: a positive whole number of tokens");
            }
        }
        if (base == null) {
            return null;
        }
        return new ModelPricing(id, base, longContext, ModelPricing.LONG_CONTEXT_TOKENS, maxOutput, known);
    }

    private Price price(String where, Node node, Map<String, NodeTuple> fields) {
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
    private long nanos(String where, Node node, Map<String, NodeTuple> fields, String key, long otherwise) {
        NodeTuple field = fields.get(key);
        if (field == null) {
            if (otherwise < 0) {
                problem(node, where + "." + key + ": required (USD per million tokens)");
            }
            return otherwise;
        }
        String text = scalar(field.getValueNode());
        try {
            BigDecimal usdPerMillion = new BigDecimal(text == null ? "" : text);
            if (usdPerMillion.signum() < 0) {
                problem(field.getValueNode(), where + "." + key + ": a price cannot be negative");
                return -1;
            }
            return usdPerMillion.multiply(NANOS_PER_TOKEN_PER_USD_PER_MILLION).longValueExact();
        } catch (NumberFormatException e) {
            problem(field.getValueNode(), where + "." + key + ": expected USD per million tokens, such as 3 or 0.125");
        } catch (ArithmeticException e) {
            problem(field.getValueNode(), where + "." + key + ": at most three decimals (money is held in whole"
                    + " nano-dollars a token)");
        }
        return -1;
    }

    private Map<String, NodeTuple> mapping(Node node, String where, Set<String> known) {
        if (!(node instanceof MappingNode mapping)) {
            problem(node, where + ": expected a mapping");
            return null;
        }
        Map<String, NodeTuple> fields = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String key = scalar(tuple.getKeyNode());
            if (key == null || fields.putIfAbsent(key, tuple) != null) {
                problem(tuple.getKeyNode(), where + ": '" + key + "' is given twice or is not a name");
            } else if (known != null && !known.contains(key)) {
                problem(tuple.getKeyNode(), where + "." + key + ": unknown key; known: "
                        + String.join(", ", new java.util.TreeSet<>(known)));
            }
        }
        return fields;
    }

    private static String scalar(Node node) {
        return node instanceof ScalarNode scalar ? scalar.getValue() : null;
    }

    private void problem(Node node, String message) {
        Mark mark = node.getStartMark();
        problems.add(file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": " + message);
    }
}
