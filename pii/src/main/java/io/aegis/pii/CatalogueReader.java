package io.aegis.pii;

import io.aegis.pii.validate.PiiValidator;
import io.aegis.pii.validate.Validators;
import io.aegis.yaml.YamlDocument;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;


/**
 * Reads {@code configs/pii.yaml}: the canonical types and any custom ones. Every problem is
 * reported at once, located ({@code FILE:LINE:COL: key: message}); a pattern that does not compile names the
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

    private final YamlDocument doc;

    private CatalogueReader(YamlDocument doc) {
        this.doc = doc;
    }

    /** Reads and checks a catalogue file. */
    public static PiiCatalogue read(Path path) throws CatalogueException {
        CatalogueReader reader = new CatalogueReader(YamlDocument.read(path));
        PiiCatalogue catalogue = reader.doc.hasProblems() ? null : reader.catalogue(reader.doc.root());
        if (reader.doc.hasProblems()) {
            throw new CatalogueException(reader.doc.problems());
        }
        return catalogue;
    }

    private PiiCatalogue catalogue(Node root) {
        Map<String, Node> top = doc.mapping(root, "", TOP_KEYS);
        Node version = top.get("version");
        if (version == null || !"1".equals(YamlDocument.scalar(version))) {
            doc.problem(version == null ? root : version, "version", "must be 1");
        }
        List<PiiType> types = new ArrayList<>();
        Node typesNode = top.get("types");
        if (typesNode == null) {
            doc.problem(root, "types", "is required");
            return new PiiCatalogue(types);
        }
        Map<String, Node> byName = doc.mapping(typesNode, "types", null);
        for (Map.Entry<String, Node> entry : byName.entrySet()) {
            PiiType type = type(entry.getKey(), entry.getValue());
            if (type != null) {
                types.add(type);
            }
        }
        if (types.size() > MAX_TYPES) {
            doc.problem(typesNode, "types", "at most " + MAX_TYPES + " types, got " + types.size());
        }
        for (String canonical : PiiCatalogue.CANONICAL) {
            if (!byName.containsKey(canonical)) {
                doc.problem(typesNode, "types", "the canonical type " + canonical + " is missing");
            }
        }
        return new PiiCatalogue(types);
    }

    private PiiType type(String name, Node node) {
        if (!TYPE_NAME.matcher(name).matches()) {
            doc.problem(YamlDocument.keyNode(typesNodeOf(doc.root()), name), "types." + name,
                    "type names are upper case letters, digits and '_', like PASSPORT_NO");
        }
        Map<String, Node> fields = doc.mapping(node, "types." + name, TYPE_KEYS);
        List<String> patterns = strings(fields.get("patterns"), "types." + name + ".patterns");
        if (patterns.isEmpty()) {
            doc.problem(node, "types." + name + ".patterns", "give at least one pattern");
        }
        List<Node> patternNodes = fields.get("patterns") instanceof SequenceNode
                ? ((SequenceNode) fields.get("patterns")).getValue() : List.of();
        for (int i = 0; i < patterns.size(); i++) {
            try {
                Pattern.compile(patterns.get(i));
            } catch (PatternSyntaxException e) {
                doc.problem(i < patternNodes.size() ? patternNodes.get(i) : node, "types." + name + ".patterns[" + i + "]",
                        "not a valid regular expression: " + e.getDescription());
            }
        }
        String validatorName = fields.containsKey("validator") ? YamlDocument.scalar(fields.get("validator")) : "word";
        PiiValidator validator = validatorName == null ? null : Validators.byName(validatorName);
        if (validator == null) {
            doc.problem(fields.getOrDefault("validator", node), "types." + name + ".validator", "unknown validator '"
                    + validatorName + "'; known: " + String.join(", ", Validators.names()));
        }
        String redactionName = fields.containsKey("redaction") ? YamlDocument.scalar(fields.get("redaction")) : "placeholder";
        RedactionStyle redaction = redactionName == null ? null : RedactionStyle.byName(redactionName);
        if (redaction == null) {
            doc.problem(fields.getOrDefault("redaction", node), "types." + name + ".redaction",
                    "must be placeholder, mask or hash");
        }
        return new PiiType(name, patterns, validatorName, validator, redaction,
                strings(fields.get("examples"), "types." + name + ".examples"),
                strings(fields.get("counter_examples"), "types." + name + ".counter_examples"));
    }

    private List<String> strings(Node node, String key) {
        List<String> values = new ArrayList<>();
        if (node == null) {
            return values;
        }
        if (!(node instanceof SequenceNode)) {
            doc.problem(node, key, "must be a list");
            return values;
        }
        for (Node item : ((SequenceNode) node).getValue()) {
            String value = YamlDocument.scalar(item);
            if (value == null || value.isEmpty()) {
                doc.problem(item, key, "entries must be non-empty strings");
            } else {
                values.add(value);
            }
        }
        return values;
    }

    /** The {@code types} node under the root, for pointing at a type's name. */
    private static Node typesNodeOf(Node root) {
        return root instanceof org.yaml.snakeyaml.nodes.MappingNode map ? map.getValue().stream()
                .filter(t -> "types".equals(YamlDocument.scalar(t.getKeyNode()))).map(t -> t.getValueNode())
                .findFirst().orElse(root) : root;
    }
}
