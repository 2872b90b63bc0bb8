package io.aegis.pii;

import io.aegis.pii.validate.PiiValidator;
import io.aegis.pii.validate.Validators;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@code configs/pii.yaml}: the canonical types and any custom ones. Every problem is
 * reported at once as {@code FILE:LINE:COL: message}; a pattern that does not compile names the
 * regex error, an unknown validator the known ones.
 *
 * <pre>
 * version: 1
 * types:
 *   EMAIL:
 *     patterns: [ '...' ]
 *     validator: email          # one of Validators.names()
 *     redaction: placeholder    # placeholder | mask | hash
 *     examples: [ 'a@b.co' ]
 *     counter_examples: [ 'logo@2x.png' ]
 * </pre>
 */
public final class CatalogueReader {
    private static final Set<String> TOP_KEYS = Set.of("version", "types");
    private static final Set<String> TYPE_KEYS = Set.of("patterns", "validator", "redaction", "examples",
            "counter_examples");
    /** Findings carry the type in 8 bits. */
    public static final int MAX_TYPES = 255;
    private static final Pattern TYPE_NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    private final String file;
    private final List<String> problems = new ArrayList<>();

    private CatalogueReader(String file) {
        this.file = file;
    }

    /** Reads and checks a catalogue file. */
    public static PiiCatalogue read(Path path) throws CatalogueException {
        CatalogueReader reader = new CatalogueReader(path.toString());
        Node root;
        try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            LoaderOptions options = new LoaderOptions();
            root = new Yaml(options).compose(in);
        } catch (NoSuchFileException e) {
            throw new CatalogueException(List.of(path + ": file not found"));
        } catch (MarkedYAMLException e) {
            var mark = e.getProblemMark();
            throw new CatalogueException(List.of(path + ":" + (mark == null ? 0 : mark.getLine() + 1) + ":"
                    + (mark == null ? 0 : mark.getColumn() + 1) + ": not valid YAML: " + e.getProblem()));
        } catch (YAMLException | IOException e) {
            throw new CatalogueException(List.of(path + ": cannot read: " + e.getMessage()));
        }
        PiiCatalogue catalogue = reader.catalogue(root);
        if (!reader.problems.isEmpty()) {
            throw new CatalogueException(reader.problems);
        }
        return catalogue;
    }

    private PiiCatalogue catalogue(Node root) {
        Map<String, Node> top = mapping(root, TOP_KEYS);
        Node version = top.get("version");
        if (version == null || !"1".equals(scalar(version))) {
            problem(version == null ? root : version, "version: must be 1");
        }
        List<PiiType> types = new ArrayList<>();
        Node typesNode = top.get("types");
        if (typesNode == null) {
            problem(root, "types: is required");
            return new PiiCatalogue(types);
        }
        Map<String, Node> byName = mapping(typesNode, null);
        for (Map.Entry<String, Node> entry : byName.entrySet()) {
            PiiType type = type(entry.getKey(), entry.getValue());
            if (type != null) {
                types.add(type);
            }
        }
        if (types.size() > MAX_TYPES) {
            problem(typesNode, "types: at most " + MAX_TYPES + " types, got " + types.size());
        }
        for (String canonical : PiiCatalogue.CANONICAL) {
            if (!byName.containsKey(canonical)) {
                problem(typesNode, "types: the canonical type " + canonical + " is missing");
            }
        }
        return new PiiCatalogue(types);
    }

    private PiiType type(String name, Node node) {
        if (!TYPE_NAME.matcher(name).matches()) {
            problem(node, "types." + name + ": type names are upper case letters, digits and '_', like PASSPORT_NO");
        }
        Map<String, Node> fields = mapping(node, TYPE_KEYS);
        List<String> patterns = strings(fields.get("patterns"), "types." + name + ".patterns");
        if (patterns.isEmpty()) {
            problem(node, "types." + name + ".patterns: give at least one pattern");
        }
        List<Node> patternNodes = fields.get("patterns") instanceof SequenceNode
                ? ((SequenceNode) fields.get("patterns")).getValue() : List.of();
        for (int i = 0; i < patterns.size(); i++) {
            try {
                Pattern.compile(patterns.get(i));
            } catch (PatternSyntaxException e) {
                problem(i < patternNodes.size() ? patternNodes.get(i) : node, "types." + name + ".patterns[" + i
                        + "]: not a valid regular expression: " + e.getDescription());
            }
        }
        String validatorName = fields.containsKey("validator") ? scalar(fields.get("validator")) : "word";
        PiiValidator validator = validatorName == null ? null : Validators.byName(validatorName);
        if (validator == null) {
            problem(fields.getOrDefault("validator", node), "types." + name + ".validator: unknown validator '"
                    + validatorName + "'; known: " + String.join(", ", Validators.names()));
        }
        String redactionName = fields.containsKey("redaction") ? scalar(fields.get("redaction")) : "placeholder";
        RedactionStyle redaction = redactionName == null ? null : RedactionStyle.byName(redactionName);
        if (redaction == null) {
            problem(fields.getOrDefault("redaction", node), "types." + name
                    + ".redaction: must be placeholder, mask or hash");
        }
        return new PiiType(name, patterns, validatorName, validator, redaction,
                strings(fields.get("examples"), "types." + name + ".examples"),
                strings(fields.get("counter_examples"), "types." + name + ".counter_examples"));
    }

    private Map<String, Node> mapping(Node node, Set<String> allowed) {
        Map<String, Node> entries = new LinkedHashMap<>();
        if (!(node instanceof MappingNode)) {
            problem(node, "must be a mapping");
            return entries;
        }
        for (NodeTuple tuple : ((MappingNode) node).getValue()) {
            String key = scalar(tuple.getKeyNode());
            if (key == null) {
                problem(tuple.getKeyNode(), "keys must be plain names");
            } else if (entries.containsKey(key)) {
                problem(tuple.getKeyNode(), key + ": given twice");
            } else if (allowed != null && !allowed.contains(key)) {
                problem(tuple.getKeyNode(), key + ": unknown key; allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)));
            } else {
                entries.put(key, tuple.getValueNode());
            }
        }
        return entries;
    }

    private List<String> strings(Node node, String key) {
        List<String> values = new ArrayList<>();
        if (node == null) {
            return values;
        }
        if (!(node instanceof SequenceNode)) {
            problem(node, key + ": must be a list");
            return values;
        }
        for (Node item : ((SequenceNode) node).getValue()) {
            String value = scalar(item);
            if (value == null || value.isEmpty()) {
                problem(item, key + ": entries must be non-empty strings");
            } else {
                values.add(value);
            }
        }
        return values;
    }

    private static String scalar(Node node) {
        return node instanceof ScalarNode ? ((ScalarNode) node).getValue() : null;
    }

    private void problem(Node node, String message) {
        int line = node == null ? 0 : node.getStartMark().getLine() + 1;
        int column = node == null ? 0 : node.getStartMark().getColumn() + 1;
        problems.add(file + ":" + line + ":" + column + ": " + message);
    }
}
