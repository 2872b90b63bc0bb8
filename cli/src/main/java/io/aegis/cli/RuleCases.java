package io.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.aegis.pii.PiiCatalogue;
import io.aegis.pii.PiiEngine;
import io.aegis.pii.PiiEngines;
import io.aegis.pii.PiiScanner;
import io.aegis.rules.Decision;
import io.aegis.rules.Evaluation;
import io.aegis.rules.RuleSet;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * {@code aegis rules test FILE... --cases CASES.yaml}: expected decisions, like {@code opa test}.
 *
 * <pre>
 * cases:
 *   - name: cards never reach a provider
 *     request: { provider: gemini, model: gemini-2.5-pro, tenant: acme,
 *                body: { contents: [ { parts: [ { text: "card 4111 1111 1111 1111" } ] } ] } }
 *     expect:
 *       decision: deny                   # allow | deny
 *       rule: no-cards-or-keys-to-any-provider   # the deciding rule; null when none decided
 *       status: 403                      # optional
 *       actions: [tag-personal-data]     # optional: the accumulating rules, in order
 *       shadow: []                       # optional: the shadow hits, in order
 * </pre>
 */
final class RuleCases {
    private RuleCases() {
    }

    static int run(RuleSet rules, PiiCatalogue catalogue, Path file, PrintStream out, PrintStream err) {
        Node root;
        Object values;
        try (Reader first = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             Reader second = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new LoaderOptions()).compose(first);
            values = new Yaml(new LoaderOptions()).load(second);
        } catch (IOException | YAMLException e) {
            err.println(file + ": cannot read the cases: " + e.getMessage());
            return 2;
        }
        if (!(root instanceof MappingNode) || !(values instanceof Map<?, ?> top) || !(top.get("cases") instanceof List<?> cases)) {
            err.println(file + ":1:1: expected 'cases:' with a list of cases");
            return 2;
        }
        List<Node> caseNodes = caseNodes((MappingNode) root);
        int passed = 0;
        int failed = 0;
        try (PiiEngine engine = PiiEngines.best(catalogue); PiiScanner scanner = engine.newScanner()) {
            Evaluation evaluation = rules.newEvaluation();
            for (int i = 0; i < cases.size(); i++) {
                int line = i < caseNodes.size() ? caseNodes.get(i).getStartMark().getLine() + 1 : 0;
                String at = file + ":" + line;
                if (!(cases.get(i) instanceof Map<?, ?> entry) || !(entry.get("expect") instanceof Map<?, ?> expect)) {
                    err.println(at + ": a case needs 'name', 'request' and 'expect'");
                    return 2;
                }
                String name = entry.get("name") == null ? "case " + (i + 1) : String.valueOf(entry.get("name"));
                DescribedRequest request;
                try {
                    request = new DescribedRequest(RulesCommand.toJson(entry.get("request")), scanner,
                            catalogue.types().size(), rules.promptPatterns());
                } catch (IllegalArgumentException e) {
                    err.println(at + ": case '" + name + "': request: " + e.getMessage());
                    return 2;
                }
                Decision decision = rules.evaluate(request, evaluation);
                String mismatch = mismatch(rules, decision, expect);
                if (mismatch == null) {
                    out.println("ok   " + name);
                    passed++;
                } else {
                    out.println("FAIL " + name + " (" + at + "): " + mismatch);
                    failed++;
                }
            }
        }
        out.println(cases.size() + " cases: " + passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }

    /** What differs from the expectation, or {@code null}. */
    private static String mismatch(RuleSet rules, Decision decision, Map<?, ?> expect) {
        List<String> problems = new ArrayList<>();
        String decided = decision.denied() ? "deny" : "allow";
        if (expect.containsKey("decision") && !decided.equals(String.valueOf(expect.get("decision")))) {
            problems.add("decision: expected " + expect.get("decision") + ", got " + decided);
        }
        String rule = decision.decidingRule() < 0 ? null : rules.rules().get(decision.decidingRule()).id();
        if (expect.containsKey("rule") && !Objects.equals(expect.get("rule"), rule)) {
            problems.add("rule: expected " + expect.get("rule") + ", got " + rule);
        }
        int status = decision.denied() ? rules.rules().get(decision.decidingRule()).status() : 200;
        if (expect.containsKey("status") && !String.valueOf(expect.get("status")).equals(String.valueOf(status))) {
            problems.add("status: expected " + expect.get("status") + ", got " + status);
        }
        if (expect.containsKey("actions")) {
            List<String> actions = new ArrayList<>();
            for (int i = 0; i < decision.actionCount(); i++) {
                actions.add(rules.rules().get(decision.action(i)).id());
            }
            if (!String.valueOf(expect.get("actions")).equals(actions.toString())) {
                problems.add("actions: expected " + expect.get("actions") + ", got " + actions);
            }
        }
        if (expect.containsKey("shadow")) {
            List<String> shadow = new ArrayList<>();
            for (int i = 0; i < decision.shadowCount(); i++) {
                shadow.add(rules.rules().get(decision.shadow(i)).id());
            }
            if (!String.valueOf(expect.get("shadow")).equals(shadow.toString())) {
                problems.add("shadow: expected " + expect.get("shadow") + ", got " + shadow);
            }
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    private static List<Node> caseNodes(MappingNode root) {
        for (NodeTuple tuple : root.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode key && key.getValue().equals("cases")
                    && tuple.getValueNode() instanceof SequenceNode list) {
                return list.getValue();
            }
        }
        return List.of();
    }
}
