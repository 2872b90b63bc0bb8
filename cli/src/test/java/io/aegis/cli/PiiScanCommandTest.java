package io.aegis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aegis pii scan} exactly as the README's Commands and pii/README.md describe it. */
class PiiScanCommandTest {
    private static final Path ROOT = Path.of(System.getProperty("aegis.project.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private record Outcome(int code, List<String> lines, String err) {
    }

    private static Outcome run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = PiiScanCommand.run(List.of(args), ROOT, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8).trim();
        return new Outcome(code, text.isEmpty() ? List.of() : List.of(text.split("\n")), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void plainTextOffsetsAreUtf16CodeUnitsEndExclusive() {
        // The emoji is two UTF-16 code units (and four UTF-8 bytes); "é" is one unit (two bytes).
        Outcome outcome = run("Café 😀 write bob@example.com");
        assertEquals(0, outcome.code());
        assertEquals(List.of("{\"id\":null,\"findings\":[{\"type\":\"EMAIL\",\"start\":14,\"end\":29}]}"), outcome.lines());
        assertEquals("bob@example.com", "Café 😀 write bob@example.com".substring(14, 29));
    }

    @Test
    void jsonLinesKeepTheirIdsAndBadLinesAreNamed() {
        Outcome outcome = run("{\"id\":\"a\",\"text\":\"SSN 536-22-1234 and 192.168.0.1\"}\n\n"
                + "{\"id\":7,\"text\":\"nothing here\"}\n[1,2]\n{\"id\":8}\n", "--jsonl");
        assertEquals(2, outcome.code(), "unreadable lines make the exit code 2");
        assertEquals(List.of(
                "{\"id\":\"a\",\"findings\":[{\"type\":\"US_SSN\",\"start\":4,\"end\":15},"
                        + "{\"type\":\"IP_ADDRESS\",\"start\":20,\"end\":31}]}",
                "{\"id\":7,\"findings\":[]}"), outcome.lines());
        assertTrue(outcome.err().contains("stdin:4: expected a JSON object"), outcome.err());
        assertTrue(outcome.err().contains("stdin:5: expected a JSON object"), outcome.err());
    }

    @Test
    void theMatchedTextIsNeverPrinted() {
        Outcome outcome = run("{\"id\":1,\"text\":\"key AKIAIOSFODNN7EXAMPLE\"}", "--jsonl");
        assertEquals(0, outcome.code());
        assertFalse(String.join("", outcome.lines()).contains("AKIA"), outcome.lines().toString());
        assertFalse(outcome.err().contains("AKIA"));
    }

    @Test
    void aBadCatalogueOrArgumentExitsTwo() throws Exception {
        Path bad = dir.resolve("pii.yaml");
        Files.writeString(bad, "version: 2\n");
        Outcome catalogue = run("x", "--catalogue", bad.toString());
        assertEquals(2, catalogue.code());
        assertTrue(catalogue.err().contains(bad + ":1:10: version: must be 1"), catalogue.err());
        assertEquals(2, run("x", "--bogus").code());
    }
}
