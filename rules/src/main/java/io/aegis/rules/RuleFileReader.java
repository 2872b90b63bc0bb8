package io.aegis.rules;

import io.aegis.yaml.Suggestions;
import io.aegis.yaml.LocatedProblem;
import io.aegis.yaml.YamlDocument;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads one rule file (rules/README.md) into drafts, every problem located
 * ({@code FILE:LINE:COL: rule 'id': message}):
 *
 * <pre>
 * version: 1
 * rules:
 *   - id: no-cards-to-gemini          # unique across the files of a rule set
 *     description: "..."              # optional
 *     when: provider == "gemini" &amp;&amp; pii.has("CREDIT_CARD")   # CEL; absent = always
 *     action: deny                    # allow | deny | redact | route | tag | sample | limit
 *     status: 403                     # deny: 400-599, default 403
 *     message: "..."                  # deny: default "Request denied by rule ID"
 *     types: [EMAIL, PHONE]           # redact
 *     model: claude-sonnet-4-6        # route
 *     tags: [pci]                     # tag
 *     rate: 0.1                       # sample: 0 to 1
 *     class: bulk                     # limit
 *     mode: shadow                    # enforce (default) | shadow
 * </pre>
 */
final class RuleFileReader {
    private static final Set<String> TOP_KEYS = Set.of("version", "rules");
    private static final Set<String> RULE_KEYS = Set.of("id", "description", "when", "action", "status", "message",
            "types", "model", "tags", "rate", "class", "mode");

    private final YamlDocument doc;
    private final List<String> fileLines;

    private RuleFileReader(YamlDocument doc) {
        this.doc = doc;
        this.fileLines = doc.lines();
    }

    /** Reads {@code path}; problems are added to {@code problems}, the drafts that could be read are returned. */
    static List<RuleDraft> read(Path path, List<LocatedProblem> problems) {
        return read(YamlDocument.read(path), problems);
    }

    static List<RuleDraft> read(String file, String text, List<LocatedProblem> problems) {
        return read(YamlDocument.parse(file, text), problems);
    }

    private static List<RuleDraft> read(YamlDocument doc, List<LocatedProblem> problems) {
        List<RuleDraft> drafts = doc.hasProblems() ? List.of() : new RuleFileReader(doc).drafts(doc.root());
        problems.addAll(doc.problems());
        return drafts;
    }

    private List<RuleDraft> drafts(Node root) {
        if (root == null) {
            doc.problem(1, 1, "", "empty rule file: expected 'version: 1' and 'rules:'");
            return List.of();
        }
        if (!(root instanceof MappingNode)) {
            doc.problem(root, "", "expected a mapping with 'version: 1' and 'rules:'");
            return List.of();
        }
        Map<String, Node> top = doc.mapping(root, "", TOP_KEYS);
        Node version = top.get("version");
        if (version == null) {
            doc.problem(root, "", "missing 'version: 1'");
        } else if (!"1".equals(YamlDocument.scalar(version))) {
            doc.problem(version, "version", "only version 1 is understood");
        }
        Node rules = top.get("rules");
        if (rules == null) {
            doc.problem(root, "", "missing 'rules:' (a list of rules)");
            return List.of();
        }
        if (!(rules instanceof SequenceNode list)) {
            doc.problem(rules, "rules", "expected a list of rules");
            return List.of();
        }
        List<RuleDraft> drafts = new ArrayList<>();
        for (int i = 0; i < list.getValue().size(); i++) {
            RuleDraft draft = draft(list.getValue().get(i), "rules[" + i + "]");
            if (draft != null) {
                drafts.add(draft);
            }
        }
        return drafts;
    }

    private RuleDraft draft(Node node, String where) {
        if (!(node instanceof MappingNode)) {
            doc.problem(node, where, "expected a mapping of keys");
            return null;
        }
        int before = doc.problems().size();
        Map<String, Node> fields = doc.mapping(node, where, RULE_KEYS);
        String id = text(fields, "id");
        if (id == null || id.isBlank()) {
            doc.problem(node, where, "every rule needs an 'id'");
            id = where;
        } else if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            doc.problem(fields.get("id"), where + ".id", "use letters, digits, '.', '_' and '-' (at most 128)");
        }
        String label = "rule '" + id + "'";
        ConditionText when = null;
        Node whenField = fields.get("when");
        if (whenField != null) {
            if (whenField instanceof ScalarNode scalar && !scalar.getValue().isBlank()) {
                when = condition(scalar);
            } else {
                doc.problem(whenField, label, "'when' must be a CEL expression");
            }
        }
        ActionKind action = null;
        String actionName = text(fields, "action");
        if (actionName == null) {
            doc.problem(node, label, "every rule needs an 'action' (allow, deny, redact, route, tag, sample or limit)");
        } else {
            try {
                action = ActionKind.valueOf(actionName.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                doc.problem(fields.get("action"), label, "unknown action '" + actionName + "'"
                        + Suggestions.didYouMean(actionName, List.of("allow", "deny", "redact", "route", "tag", "sample", "limit"))
                        + "; one of allow, deny, redact, route, tag, sample, limit");
            }
        }
        boolean shadow = false;
        String mode = text(fields, "mode");
        if (mode != null) {
            if (mode.equals("shadow")) {
                shadow = true;
            } else if (!mode.equals("enforce")) {
                doc.problem(fields.get("mode"), label, "mode must be 'enforce' or 'shadow'");
            }
        }
        int status = 403;
        String message = null;
        List<String> types = List.of();
        int[] typesAt = null;
        String model = null;
        List<String> tags = List.of();
        double rate = 1.0;
        String limitClass = null;
        if (action == ActionKind.DENY) {
            String statusText = text(fields, "status");
            if (statusText != null) {
                try {
                    status = Integer.parseInt(statusText);
                } catch (NumberFormatException e) {
                    status = -1;
                }
                if (status < 400 || status > 599) {
                    doc.problem(fields.get("status"), label, "status must be an HTTP error status, 400 to 599");
                }
            }
            message = text(fields, "message");
            if (message == null) {
                message = "Request denied by rule " + id;
            }
        } else {
            only(node, fields, action, "status", ActionKind.DENY);
            only(node, fields, action, "message", ActionKind.DENY);
        }
        if (action == ActionKind.REDACT) {
            Node typesField = fields.get("types");
            if (typesField == null) {
                doc.problem(node, label, "redact needs 'types' (PII type names)");
            } else {
                types = list(typesField, label + ": types");
                Mark mark = typesField.getStartMark();
                typesAt = new int[] {mark.getLine() + 1, mark.getColumn() + 1};
                if (types.isEmpty()) {
                    doc.problem(typesField, label, "types must name at least one PII type");
                }
            }
        } else {
            only(node, fields, action, "types", ActionKind.REDACT);
        }
        if (action == ActionKind.ROUTE) {
            model = text(fields, "model");
            if (model == null || !model.matches("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}")) {
                doc.problem(fields.containsKey("model") ? fields.get("model") : node,
                        label, "route needs 'model', a model id such as claude-sonnet-4-6");
            }
        } else {
            only(node, fields, action, "model", ActionKind.ROUTE);
        }
        if (action == ActionKind.TAG) {
            Node tagsField = fields.get("tags");
            if (tagsField == null) {
                doc.problem(node, label, "tag needs 'tags'");
            } else {
                tags = list(tagsField, label + ": tags");
                for (String tag : tags) {
                    if (!tag.matches("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")) {
                        doc.problem(tagsField, label, "tag '" + tag
                                + "': use letters, digits, '.', '_', ':' and '-' (at most 64)");
                    }
                }
            }
        } else {
            only(node, fields, action, "tags", ActionKind.TAG);
        }
        if (action == ActionKind.SAMPLE) {
            String rateText = text(fields, "rate");
            try {
                rate = rateText == null ? Double.NaN : Double.parseDouble(rateText);
            } catch (NumberFormatException e) {
                rate = Double.NaN;
            }
            if (!(rate >= 0 && rate <= 1)) {
                doc.problem(fields.containsKey("rate") ? fields.get("rate") : node,
                        label, "sample needs 'rate', a share from 0 to 1");
            }
        } else {
            only(node, fields, action, "rate", ActionKind.SAMPLE);
        }
        if (action == ActionKind.LIMIT) {
            limitClass = text(fields, "class");
            if (limitClass == null || !limitClass.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                doc.problem(fields.containsKey("class") ? fields.get("class") : node,
                        label, "limit needs 'class', the name of a rate-limit class");
            }
        } else {
            only(node, fields, action, "class", ActionKind.LIMIT);
        }
        if (doc.problems().size() > before || action == null) {
            return null;
        }
        Mark mark = node.getStartMark();
        return new RuleDraft(doc.file(), mark.getLine() + 1, mark.getColumn() + 1, id, text(fields, "description"), when,
                action, shadow, status, message, types, typesAt, model, tags, rate, limitClass);
    }

    private ConditionText condition(ScalarNode scalar) {
        Mark start = scalar.getStartMark();
        ScalarStyle style = scalar.getScalarStyle();
        if (style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED) {
            int contentLine = start.getLine() + 1;
            while (contentLine < fileLines.size() && fileLines.get(contentLine).isBlank()) {
                contentLine++;
            }
            return new ConditionText(scalar.getValue(), start.getLine() + 1, start.getColumn() + 1,
                    style == ScalarStyle.LITERAL ? ConditionText.Style.LITERAL : ConditionText.Style.FOLDED,
                    fileLines, contentLine);
        }
        boolean quoted = style == ScalarStyle.DOUBLE_QUOTED || style == ScalarStyle.SINGLE_QUOTED;
        return new ConditionText(scalar.getValue(), start.getLine() + 1, start.getColumn() + 1 + (quoted ? 1 : 0),
                ConditionText.Style.INLINE, fileLines, start.getLine());
    }

    private void only(Node rule, Map<String, Node> fields, ActionKind action, String key, ActionKind owner) {
        if (fields.containsKey(key) && action != null) {
            doc.problem(YamlDocument.keyNode(rule, key), "", "'" + key + "' belongs to " + owner.wireName()
                    + " rules, not " + action.wireName());
        }
    }

    private List<String> list(Node node, String where) {
        List<String> out = new ArrayList<>();
        if (node instanceof ScalarNode scalar) {
            out.add(scalar.getValue());
        } else if (node instanceof SequenceNode sequence) {
            for (Node item : sequence.getValue()) {
                if (item instanceof ScalarNode scalar) {
                    out.add(scalar.getValue());
                } else {
                    doc.problem(item, where, "expected a name");
                }
            }
        } else {
            doc.problem(node, where, "expected a list of names");
        }
        return List.copyOf(out);
    }

    private static String text(Map<String, Node> fields, String key) {
        return YamlDocument.scalar(fields.get(key));
    }

}
