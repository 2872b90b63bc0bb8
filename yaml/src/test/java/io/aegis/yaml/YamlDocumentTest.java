package io.aegis.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.nodes.Node;

/** Typed reads record every problem with its place and carry on; a bad file is a problem, not an exception. */
class YamlDocumentTest {
    @TempDir
    Path dir;

    private static List<String> rendered(YamlDocument doc) {
        return doc.problems().stream().map(LocatedProblem::toString).toList();
    }

    @Test
    void everyProblemOfAPassIsReportedWithFileLineColumnAndKey() {
        YamlDocument doc = YamlDocument.parse("f.yaml", String.join("\n",
                "server:",
                "  port: eighty",
                "  listn: x",
                "  port: 81",
                "  share: 1.5",
                "  on: maybe",
                ""));
        Map<String, Node> server = doc.mapping(doc.mapping(doc.root(), "", Set.of("server")).get("server"), "server",
                Set.of("port", "listen", "share", "on"));
        assertEquals(-1, doc.longInRange(server.get("port"), "server.port", -1, 1, 65535));
        assertEquals(0.5, doc.decimal(server.get("share"), "server.share", 0.5, 0, 1));
        assertTrue(doc.bool(server.get("on"), "server.on", true));
        assertEquals(List.of(
                "f.yaml:3:3: server.listn: unknown key; did you mean 'listen'?; allowed here: listen, on, port, share",
                "f.yaml:4:3: server.port: is given twice; keep one",
                "f.yaml:2:9: server.port: must be a whole number, got 'eighty'",
                "f.yaml:5:10: server.share: must be between 0.0 and 1.0, got 1.5",
                "f.yaml:6:7: server.on: must be true or false, got 'maybe'"), rendered(doc));
    }

    @Test
    void aMissingFileAndBrokenYamlAreProblemsNotExceptions() {
        YamlDocument missing = YamlDocument.read(dir.resolve("absent.yaml"));
        assertNull(missing.root());
        assertEquals(List.of(dir.resolve("absent.yaml") + ": file not found"), rendered(missing));

        YamlDocument broken = YamlDocument.parse("b.yaml", "a: [1, 2\nb: 3\n");
        assertNull(broken.root());
        assertEquals(1, broken.problems().size());
        assertTrue(rendered(broken).get(0).startsWith("b.yaml:2:"), rendered(broken).toString());
        assertTrue(broken.problems().get(0).message().startsWith("not valid YAML"));
    }

    @Test
    void wrongShapesAreNamed() {
        YamlDocument doc = YamlDocument.parse("s.yaml", "list: [a, {b: c}]\nmap: x\n");
        Map<String, Node> top = doc.mapping(doc.root(), "", null);
        assertEquals(List.of("a"), doc.strings(top.get("list"), "list"));
        assertTrue(doc.mapping(top.get("map"), "map", null).isEmpty());
        assertEquals(List.of(
                "s.yaml:1:11: list[1]: must be a single value, not a list or mapping",
                "s.yaml:2:6: map: must be a mapping of keys to values"), rendered(doc));
    }

    @Test
    void suggestionsOnlyWhenNear() {
        assertEquals("; did you mean 'timeouts'?", Suggestions.didYouMean("timeout", List.of("timeouts", "retries")));
        assertEquals("", Suggestions.didYouMean("zzz", List.of("timeouts", "retries")));
    }
}
