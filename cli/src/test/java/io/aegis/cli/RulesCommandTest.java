package io.aegis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aegis.gateway.testing.TestGateway;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aegis rules check|test|eval} over the shipped example rules and broken ones. */
class RulesCommandTest {
    private static final Path ROOT = TestGateway.projectRoot();

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RulesCommand.run(List.of(args), ROOT, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String[] exampleRules(String... more) throws Exception {
        List<String> args = new ArrayList<>();
        try (var files = Files.list(ROOT.resolve("configs/rules"))) {
            files.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(f -> args.add(f.toString()));
        }
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    @Test
    void theShippedExamplesCompileAndPassTheirCases() throws Exception {
        List<String> check = new ArrayList<>(List.of("check"));
        check.addAll(List.of(exampleRules()));
        Result checked = run("", check.toArray(new String[0]));
        assertEquals(0, checked.code(), checked.err());
        assertTrue(checked.out().startsWith("ok: 9 rules in 3 files"), checked.out());

        List<String> test = new ArrayList<>(List.of("test"));
        test.addAll(List.of(exampleRules("--cases", ROOT.resolve("configs/rules-tests/cases.yaml").toString())));
        Result tested = run("", test.toArray(new String[0]));
        assertEquals(0, tested.code(), tested.out() + tested.err());
        assertTrue(tested.out().contains("7 cases: 7 passed, 0 failed"), tested.out());
    }

    @Test
    void checkListsEveryProblemAndExitsOne() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "version: 1\nrules:\n  - id: a\n    when: modle == \"x\"\n    action: deny\n"
                + "  - id: b\n    action: explode\n");
        Result result = run("", "check", file.toString());
        assertEquals(1, result.code());
        assertTrue(result.err().contains(file + ":4:11: rule 'a': unknown attribute or function 'modle'; did you mean 'model'?"),
                result.err());
        assertTrue(result.err().contains(file + ":7:13: rule 'b': unknown action 'explode'"), result.err());
        assertTrue(result.err().contains("2 problems in 1 file"), result.err());
    }

    @Test
    void aFailedCaseExitsOneAndSaysWhatDiffered() throws Exception {
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, "version: 1\nrules:\n  - id: no-gemini\n    when: provider == \"gemini\"\n    action: deny\n");
        Path cases = dir.resolve("cases.yaml");
        Files.writeString(cases, "cases:\n  - name: claude is fine\n    request: { model: claude-sonnet-4-5 }\n"
                + "    expect: { decision: allow }\n"
                + "  - name: wrong on purpose\n    request: { model: gemini-2.5-flash }\n"
                + "    expect: { decision: allow, rule: null }\n");
        Result result = run("", "test", rules.toString(), "--cases", cases.toString());
        assertEquals(1, result.code(), result.out() + result.err());
        assertTrue(result.out().contains("ok   claude is fine"), result.out());
        assertTrue(result.out().contains("FAIL wrong on purpose (" + cases + ":5): decision: expected allow, got deny;"
                + " rule: expected null, got no-gemini"), result.out());
    }

    @Test
    void evalWritesOneDecisionPerLineAndReportsBadLines() throws Exception {
        String stdin = "{\"provider\":\"gemini\",\"model\":\"gemini-2.5-pro\",\"tenant\":\"acme\",\"headers\":{},"
                + "\"body\":{\"contents\":[{\"parts\":[{\"text\":\"card 4111 1111 1111 1111\"}]}]}}\n"
                + "not json\n"
                + "{\"model\":\"claude-opus-4-1\",\"tenant\":\"research\",\"body\":{\"max_tokens\":10,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]},\"hour_utc\":12}\n";
        Result result = run(stdin, exampleRulesWith("eval"));
        assertEquals(2, result.code(), "a bad line makes the exit code 2, the others are still decided");
        assertTrue(result.err().contains("stdin:2: not JSON"), result.err());
        String[] lines = result.out().strip().split("\n");
        assertEquals(2, lines.length, result.out());
        JsonNode denied = new ObjectMapper().readTree(lines[0]);
        assertEquals("deny", denied.path("decision").asText());
        assertEquals("no-cards-or-keys-to-any-provider", denied.path("rule").asText());
        assertEquals(403, denied.path("status").asInt());
        assertTrue(!lines[0].contains("4111"), "never the value itself");
        assertEquals("{\"decision\":\"allow\",\"rule\":null,\"status\":200,\"actions\":[],\"shadow\":[]}", lines[1]);
    }

    @Test
    void badUsageExitsTwo() {
        assertEquals(2, run("", "check").code());
        assertEquals(2, run("", "frobnicate", "x.yaml").code());
        assertEquals(2, run("", "test", "x.yaml").code(), "test needs --cases");
        assertEquals(2, run("", "check", "/no/such/rules.yaml").code());
    }

    private static String[] exampleRulesWith(String verb) throws Exception {
        List<String> args = new ArrayList<>(List.of(verb));
        args.addAll(List.of(exampleRules()));
        return args.toArray(new String[0]);
    }
}
