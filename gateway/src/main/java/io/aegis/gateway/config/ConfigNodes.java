package io.aegis.gateway.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Typed reads from a YAML node tree that record a {@link ConfigProblem} (with file, line and key)
 * instead of throwing, so one pass over a file reports everything wrong with it.
 */
final class ConfigNodes {
    private final String file;
    private final List<ConfigProblem> problems = new ArrayList<>();

    ConfigNodes(String file) {
        this.file = file;
    }

    List<ConfigProblem> problems() {
        return problems;
    }

    void problem(Node node, String key, String message) {
        int line = node == null ? 0 : node.getStartMark().getLine() + 1;
        int column = node == null ? 0 : node.getStartMark().getColumn() + 1;
        problems.add(new ConfigProblem(file, line, column, key, message));
    }

    /**
     * The entries of a mapping node by key, reporting duplicate keys and keys outside {@code allowed}.
     * Returns an empty map (after recording a problem) when {@code node} is not a mapping.
     */
    Map<String, Node> mapping(Node node, String key, Set<String> allowed) {
        Map<String, Node> entries = new LinkedHashMap<>();
        if (!(node instanceof MappingNode)) {
            problem(node, key, "must be a mapping of keys to values");
            return entries;
        }
        for (NodeTuple tuple : ((MappingNode) node).getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode)) {
                problem(keyNode, key, "keys must be plain names");
                continue;
            }
            String name = ((ScalarNode) keyNode).getValue();
            String path = key.isEmpty() ? name : key + "." + name;
            if (entries.containsKey(name)) {
                problem(keyNode, path, "is given twice; keep one");
                continue;
            }
            if (allowed != null && !allowed.contains(name)) {
                String hint = nearest(name, allowed);
                problem(keyNode, path, "unknown key" + (hint == null ? "" : " (did you mean '" + hint + "'?)")
                        + "; allowed here: " + String.join(", ", allowed));
                continue;
            }
            entries.put(name, tuple.getValueNode());
        }
        return entries;
    }

    /** The elements of a sequence node, or an empty list after a problem. */
    List<Node> sequence(Node node, String key) {
        if (!(node instanceof SequenceNode)) {
            problem(node, key, "must be a list");
            return List.of();
        }
        return ((SequenceNode) node).getValue();
    }

    String string(Node node, String key, String fallback) {
        if (node == null) {
            return fallback;
        }
        if (!(node instanceof ScalarNode)) {
            problem(node, key, "must be a single value, not a list or mapping");
            return fallback;
        }
        return ((ScalarNode) node).getValue();
    }

    String requiredString(Node node, String parentKey, Node parent, String key) {
        if (node == null) {
            problem(parent, parentKey, "'" + key + "' is required");
            return null;
        }
        String value = string(node, parentKey + "." + key, null);
        if (value != null && value.isBlank()) {
            problem(node, parentKey + "." + key, "must not be empty");
            return null;
        }
        return value;
    }

    long positiveLong(Node node, String key, long fallback, long max) {
        return longInRange(node, key, fallback, 1, max);
    }

    long longInRange(Node node, String key, long fallback, long min, long max) {
        String text = string(node, key, null);
        if (text == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text.trim().replace("_", ""));
            if (value < min || value > max) {
                problem(node, key, "must be between " + min + " and " + max + ", got " + value);
                return fallback;
            }
            return value;
        } catch (NumberFormatException e) {
            problem(node, key, "must be a whole number, got '" + text + "'");
            return fallback;
        }
    }

    /** A decimal number from {@code min} to {@code max}, or {@code fallback} when absent. */
    double decimal(Node node, String key, double fallback, double min, double max) {
        String text = string(node, key, null);
        if (text == null) {
            return fallback;
        }
        try {
            double value = Double.parseDouble(text.trim());
            if (!(value >= min && value <= max)) {
                problem(node, key, "must be between " + min + " and " + max + ", got " + text.trim());
                return fallback;
            }
            return value;
        } catch (NumberFormatException e) {
            problem(node, key, "must be a number, got '" + text + "'");
            return fallback;
        }
    }

    /** A non-negative decimal amount of US dollars as integer micro-dollars; -1 when absent. */
    long usdMicros(Node node, String key) {
        String text = string(node, key, null);
        if (text == null) {
            return -1;
        }
        try {
            java.math.BigDecimal usd = new java.math.BigDecimal(text.trim());
            if (usd.signum() < 0) {
                problem(node, key, "must not be negative, got " + text);
                return -1;
            }
            // Money is integer micro-dollars everywhere; sub-micro amounts in config are a typo, not a plan.
            return usd.movePointRight(6).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            problem(node, key, "must be an amount in US dollars like 100 or 12.50, got '" + text + "'");
            return -1;
        }
    }

    boolean bool(Node node, String key, boolean fallback) {
        String text = string(node, key, null);
        if (text == null) {
            return fallback;
        }
        switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true":
            case "yes":
            case "on":
                return true;
            case "false":
            case "no":
            case "off":
                return false;
            default:
                problem(node, key, "must be true or false, got '" + text + "'");
                return fallback;
        }
    }

    ListenAddress listen(Node node, String key, ListenAddress fallback) {
        String text = string(node, key, null);
        if (text == null) {
            return fallback;
        }
        ListenAddress address = ListenAddress.parse(text.trim());
        if (address == null) {
            problem(node, key, "must be host:port like 127.0.0.1:8080, got '" + text + "'");
            return fallback;
        }
        return address;
    }

    List<String> strings(Node node, String key) {
        if (node == null) {
            return null;
        }
        if (node instanceof ScalarNode) {
            return List.of(((ScalarNode) node).getValue());
        }
        List<String> values = new ArrayList<>();
        List<Node> items = sequence(node, key);
        for (int i = 0; i < items.size(); i++) {
            String value = string(items.get(i), key + "[" + i + "]", null);
            if (value != null) {
                values.add(value);
            }
        }
        return values;
    }

    /** The allowed name closest to {@code name}, if it is close enough to be a typo (shared with rule files). */
    static String nearest(String name, Set<String> allowed) {
        return io.aegis.rules.Suggestions.nearest(name, allowed);
    }
}
