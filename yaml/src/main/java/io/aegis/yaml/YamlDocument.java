package io.aegis.yaml;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * One YAML file as a node tree (every node knows its line and column), and typed reads from it that
 * record a {@link LocatedProblem} instead of throwing: a reader walks the whole file, then reports
 * every problem at once. A file that is missing, unreadable or not YAML has a {@code null}
 * {@link #root()} and its problem recorded.
 */
public final class YamlDocument {
    /** The message of a file that does not exist, for readers that add what to do about it. */
    public static final String FILE_NOT_FOUND = "file not found";
    private final String file;
    private final List<String> lines;
    private final Node root;
    private final List<LocatedProblem> problems = new ArrayList<>();

    private YamlDocument(String file, String text) {
        this.file = file;
        this.lines = text == null ? List.of() : List.of(text.split("\r?\n", -1));
        Node parsed = null;
        if (text != null) {
            try {
                parsed = new Yaml(new LoaderOptions()).compose(new StringReader(text));
            } catch (MarkedYAMLException e) {
                Mark mark = e.getProblemMark();
                problems.add(new LocatedProblem(file, mark == null ? 0 : mark.getLine() + 1,
                        mark == null ? 0 : mark.getColumn() + 1, "", "not valid YAML: " + e.getProblem()));
            } catch (YAMLException e) {
                problems.add(LocatedProblem.ofFile(file, "not valid YAML: " + e.getMessage()));
            }
        }
        this.root = parsed;
    }

    /** Reads and parses {@code path}; a missing or unreadable file is a problem, not an exception. */
    public static YamlDocument read(Path path) {
        String text = null;
        LocatedProblem unreadable = null;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            unreadable = LocatedProblem.ofFile(path.toString(), FILE_NOT_FOUND);
        } catch (IOException e) {
            unreadable = LocatedProblem.ofFile(path.toString(), "cannot read: " + e.getMessage());
        }
        YamlDocument document = new YamlDocument(path.toString(), text);
        if (unreadable != null) {
            document.problems.add(unreadable);
        }
        return document;
    }

    /** Parses {@code text}, naming it {@code file} in problems. */
    public static YamlDocument parse(String file, String text) {
        return new YamlDocument(file, text);
    }

    public String file() {
        return file;
    }

    /** The root node, or {@code null} when the file is missing, empty or not YAML. */
    public Node root() {
        return root;
    }

    /** The file's lines, to quote the offending one. */
    public List<String> lines() {
        return lines;
    }

    public List<LocatedProblem> problems() {
        return problems;
    }

    public boolean hasProblems() {
        return !problems.isEmpty();
    }

    /** Records a problem at {@code node} (or the file, when {@code null}). */
    public void problem(Node node, String key, String message) {
        int line = node == null ? 0 : node.getStartMark().getLine() + 1;
        int column = node == null ? 0 : node.getStartMark().getColumn() + 1;
        problems.add(new LocatedProblem(file, line, column, key, message));
    }

    /** Records a problem at a given place (one found inside a value, such as a CEL expression). */
    public void problem(int line, int column, String key, String message) {
        problems.add(new LocatedProblem(file, line, column, key, message));
    }

    /**
     * The entries of a mapping node by key, in file order, reporting duplicate keys and, when
     * {@code allowed} is given, keys outside it (with the nearest allowed one). Returns an empty map
     * (after recording a problem) when {@code node} is not a mapping.
     */
    public Map<String, Node> mapping(Node node, String key, Set<String> allowed) {
        Map<String, Node> entries = new LinkedHashMap<>();
        if (!(node instanceof MappingNode)) {
            problem(node, key, "must be a mapping of keys to values");
            return entries;
        }
        for (NodeTuple tuple : ((MappingNode) node).getValue()) {
            Node keyNode = tuple.getKeyNode();
            String name = scalar(keyNode);
            if (name == null) {
                problem(keyNode, key, "keys must be plain names");
                continue;
            }
            String path = key.isEmpty() ? name : key + "." + name;
            if (entries.containsKey(name)) {
                problem(keyNode, path, "is given twice; keep one");
                continue;
            }
            if (allowed != null && !allowed.contains(name)) {
                problem(keyNode, path, "unknown key" + Suggestions.didYouMean(name, allowed) + "; allowed here: "
                        + String.join(", ", new TreeSet<>(allowed)));
                continue;
            }
            entries.put(name, tuple.getValueNode());
        }
        return entries;
    }

    /** The key node of entry {@code name} of a mapping node, to point a problem at the key itself. */
    public static Node keyNode(Node mapping, String name) {
        if (mapping instanceof MappingNode map) {
            for (NodeTuple tuple : map.getValue()) {
                if (name.equals(scalar(tuple.getKeyNode()))) {
                    return tuple.getKeyNode();
                }
            }
        }
        return mapping;
    }

    /** The elements of a sequence node, or an empty list after a problem. */
    public List<Node> sequence(Node node, String key) {
        if (!(node instanceof SequenceNode)) {
            problem(node, key, "must be a list");
            return List.of();
        }
        return ((SequenceNode) node).getValue();
    }

    /** A scalar's text; {@code fallback} when absent; a problem when it is a list or mapping. */
    public String string(Node node, String key, String fallback) {
        if (node == null) {
            return fallback;
        }
        if (!(node instanceof ScalarNode)) {
            problem(node, key, "must be a single value, not a list or mapping");
            return fallback;
        }
        return ((ScalarNode) node).getValue();
    }

    /**
     * The required, non-blank scalar {@code node} (entry {@code key} of the mapping {@code parent} at
     * {@code parentKey}), or {@code null} after a problem.
     */
    public String requiredString(Node node, String parentKey, Node parent, String key) {
        String path = parentKey.isEmpty() ? key : parentKey + "." + key;
        if (node == null) {
            problem(parent, parentKey, "'" + key + "' is required");
            return null;
        }
        String value = string(node, path, null);
        if (value != null && value.isBlank()) {
            problem(node, path, "must not be empty");
            return null;
        }
        return value;
    }

    /** A whole number from {@code min} to {@code max} ({@code _} separators allowed), or {@code fallback} when absent. */
    public long longInRange(Node node, String key, long fallback, long min, long max) {
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
    public double decimal(Node node, String key, double fallback, double min, double max) {
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

    /** {@code true}/{@code yes}/{@code on} or {@code false}/{@code no}/{@code off}, or {@code fallback} when absent. */
    public boolean bool(Node node, String key, boolean fallback) {
        String text = string(node, key, null);
        if (text == null) {
            return fallback;
        }
        switch (text.trim().toLowerCase(Locale.ROOT)) {
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

    /** A scalar or a list of scalars as strings, or {@code null} when absent. */
    public List<String> strings(Node node, String key) {
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

    /** A node's scalar text, or {@code null} for a list or mapping (or no node). */
    public static String scalar(Node node) {
        return node instanceof ScalarNode scalar ? scalar.getValue() : null;
    }
}
