package io.aegis.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every class of rule-file problem, at its exact FILE:LINE:COL with its message. */
class RuleProblemsTest {
    static final List<String> PII = List.of("EMAIL", "PHONE", "CREDIT_CARD", "US_SSN", "IBAN", "IP_ADDRESS", "API_KEY");

    @TempDir
    Path dir;

    private List<String> problems(String... lines) throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, String.join("\n", lines) + "\n");
        RulesException e = assertThrows(RulesException.class, () -> RuleSet.compile(List.of(file), PII));
        return e.problems().stream().map(p -> p.toString().replace(file.toString(), "F")).toList();
    }

    /** The first line of each problem (the location and message, without the excerpt). */
    private static List<String> heads(List<String> problems) {
        return problems.stream().map(p -> p.lines().findFirst().orElse("")).toList();
    }

    @Test
    void yamlThatDoesNotParse() throws Exception {
        List<String> problems = problems("version: 1", "rules:", "  - id: a", "    when: [oops");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("F:5:1: not valid YAML:"), problems.get(0));
    }

    @Test
    void unknownKeysActionsAndMissingFieldsAreAllReportedAtOnce() throws Exception {
        List<String> problems = problems(
                "version: 1",
                "rules:",
                "  - id: a",
                "    acton: deny",
                "  - id: b",
                "    action: dney",
                "  - id: c",
                "    action: redact",
                "  - id: d",
                "    action: sample",
                "    rate: 2",
                "  - id: e",
                "    action: allow",
                "    model: x");
        assertEquals(List.of(
                "F:4:5: rules[0].acton: unknown key; did you mean 'action'?; allowed here: action, class, description, id,"
                        + " message, mode, model, rate, status, tags, types, when",
                "F:3:5: rule 'a': every rule needs an 'action' (allow, deny, redact, route, tag, sample or limit)",
                "F:6:13: rule 'b': unknown action 'dney'; did you mean 'deny'?; one of allow, deny, redact, route, tag, sample, limit",
                "F:7:5: rule 'c': redact needs 'types' (PII type names)",
                "F:11:11: rule 'd': sample needs 'rate', a share from 0 to 1",
                "F:14:5: 'model' belongs to route rules, not allow"), problems);
    }

    @Test
    void celSyntaxErrorsPointIntoTheCondition() throws Exception {
        List<String> problems = problems(
                "version: 1",
                "rules:",
                "  - id: broken",
                "    when: provider == \"gemini\" &&",
                "    action: deny");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(heads(problems).get(0).startsWith("F:4:34: rule 'broken': mismatched input '<EOF>'"), problems.get(0));
        assertTrue(problems.get(0).contains("provider == \"gemini\" &&"), "the offending text is shown");
    }

    @Test
    void unknownAttributesFieldsAndPiiTypesSuggestTheNearestName() throws Exception {
        List<String> problems = problems(
                "version: 1",
                "rules:",
                "  - id: a",
                "    when: provdier == \"gemini\"",
                "    action: deny",
                "  - id: b",
                "    when: 'tokens.inptu > 1000'",
                "    action: deny",
                "  - id: c",
                "    when: pii.has(\"EMIAL\")",
                "    action: deny",
                "  - id: d",
                "    action: redact",
                "    types: [EMAIL, PHOEN]");
        assertEquals(List.of(
                "F:4:11: rule 'a': unknown attribute or function 'provdier'; did you mean 'provider'?",
                "F:7:18: rule 'b': unknown attribute 'tokens.inptu'; did you mean 'tokens.input'?",
                "F:10:19: rule 'c': unknown PII type 'EMIAL'; did you mean 'EMAIL'?; known: EMAIL, PHONE, CREDIT_CARD, US_SSN, IBAN, IP_ADDRESS, API_KEY",
                "F:14:12: rule 'd': unknown PII type 'PHOEN'; did you mean 'PHONE'?; known: EMAIL, PHONE, CREDIT_CARD, US_SSN, IBAN, IP_ADDRESS, API_KEY"),
                heads(problems));
    }

    @Test
    void typeErrorsAndNonBooleanConditions() throws Exception {
        List<String> problems = problems(
                "version: 1",
                "rules:",
                "  - id: a",
                "    when: tokens.input > \"many\"",
                "    action: deny",
                "  - id: b",
                "    when: model",
                "    action: deny");
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(heads(problems).get(0).startsWith("F:4:24: rule 'a': found no matching overload for '_>_'"), problems.get(0));
        assertEquals("F:7:11: rule 'b': 'when' must be true or false, not string", heads(problems).get(1));
    }

    @Test
    void duplicateIdsAndUnreachableRules() throws Exception {
        List<String> problems = problems(
                "version: 1",
                "rules:",
                "  - id: a",
                "    when: tenant == \"x\"",
                "    action: tag",
                "    tags: [t]",
                "  - id: a",
                "    action: deny",
                "  - id: after",
                "    when: model == \"m\"",
                "    action: allow");
        assertEquals(List.of(
                "F:7:5: duplicate rule id 'a' (first used at F:3:5)",
                "F:9:5: rule 'after' is unreachable: rule 'a' at F:7:5 always ends evaluation with deny"), problems);
    }

    @Test
    void aShadowOrConditionalTerminalRuleLeavesLaterRulesReachable() throws Exception {
        Path file = dir.resolve("ok.yaml");
        Files.writeString(file, String.join("\n",
                "version: 1",
                "rules:",
                "  - id: trial",
                "    mode: shadow",
                "    action: deny",
                "  - id: only-acme",
                "    when: tenant == \"acme\"",
                "    action: allow",
                "  - id: last",
                "    action: deny", ""));
        assertEquals(3, RuleSet.compile(List.of(file), PII).rules().size());
    }

    @Test
    void conditionsInLiteralBlocksAreLocatedOnTheirOwnLine() throws Exception {
        List<String> problems = problems(
                "version: 1",
                "rules:",
                "  - id: block",
                "    when: |",
                "      provider == \"gemini\" &&",
                "        pii.has(\"CARD\")",
                "    action: deny");
        assertEquals("F:6:17: rule 'block': unknown PII type 'CARD'; did you mean 'CREDIT_CARD'?; known: EMAIL, PHONE, CREDIT_CARD,"
                + " US_SSN, IBAN, IP_ADDRESS, API_KEY", heads(problems).get(0));
    }

    @Test
    void unsupportedFormsSayWhatRulesCanDo() throws Exception {
        List<String> problems = problems(
                "version: 1",
                "rules:",
                "  - id: a",
                "    when: 'client.ip.in(\"10.0.0.0/33\")'",
                "    action: deny",
                "  - id: b",
                "    when: '[1, 2].size() > 1'",
                "    action: deny");
        assertEquals("F:4:25: rule 'a': '10.0.0.0/33' is not a CIDR range such as \"10.0.0.0/8\" or \"fd00::/8\"",
                heads(problems).get(0));
        assertTrue(heads(problems).get(1).startsWith("F:7:"), problems.get(1));
        assertTrue(heads(problems).get(1).contains("is not supported in rules"), problems.get(1));
    }
}
