package io.aegis.pii;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.natives.HyperscanSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogueTest {
    @TempDir
    Path dir;

    static PiiCatalogue shipped() throws CatalogueException {
        Path root = Path.of(System.getProperty("aegis.project.root", "..")).toAbsolutePath().normalize();
        return CatalogueReader.read(root.resolve("configs/pii.yaml"));
    }

    /** True when a pattern of the type matches the whole value and the validator accepts it. */
    private static boolean finds(PiiType type, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (String regex : type.patterns()) {
            Matcher matcher = Pattern.compile(regex).matcher(value);
            if (matcher.matches() && type.validator().accepts(bytes, bytes.length, 0, bytes.length)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theShippedCatalogueHasEveryCanonicalTypeAndItsExamplesHold() throws Exception {
        PiiCatalogue catalogue = shipped();
        for (String canonical : PiiCatalogue.CANONICAL) {
            assertTrue(catalogue.indexOf(canonical) >= 0, canonical);
        }
        for (PiiType type : catalogue.types()) {
            assertFalse(type.examples().isEmpty(), type.name() + " has examples");
            for (String example : type.examples()) {
                assertTrue(finds(type, example), type.name() + " must find " + example);
            }
            for (String counter : type.counterExamples()) {
                assertFalse(finds(type, counter), type.name() + " must not find " + counter);
            }
        }
    }

    @Test
    void everyPatternCompilesIntoTheEnginesHyperscanDatabases() throws Exception {
        HyperscanSupport support = HyperscanSupport.current();
        Assumptions.assumeTrue(support.available(), "Hyperscan is not available here: " + support.reason());
        // Exactly the engine's databases: narrow patterns for ends only, wide ones with start tracking.
        try (PiiEngine engine = PiiEngines.hyperscan(shipped())) {
            assertEquals("hyperscan", engine.name());
        }
    }

    @Test
    void everyProblemIsReportedWithLineAndColumn() throws Exception {
        Path file = dir.resolve("pii.yaml");
        Files.writeString(file, String.join("\n",
                "version: 1",
                "types:",
                "  EMAIL:",
                "    patterns: [ '[a-z+@x' ]",
                "    validator: emial",
                "  lower_case:",
                "    patterns: [ 'x' ]",
                "    redaction: shred",
                "    colour: red",
                ""));
        CatalogueException e = assertThrows(CatalogueException.class, () -> CatalogueReader.read(file));
        String text = e.problems().stream().map(Object::toString).collect(java.util.stream.Collectors.joining("\n"));
        assertTrue(text.contains(file + ":4:17: types.EMAIL.patterns[0]: not a valid regular expression"), text);
        assertTrue(text.contains(file + ":5:16: types.EMAIL.validator: unknown validator 'emial'; known:"), text);
        assertTrue(text.contains(file + ":6:3: types.lower_case: type names are upper case"), text);
        assertTrue(text.contains(file + ":8:16: types.lower_case.redaction: must be placeholder, mask or hash"), text);
        assertTrue(text.contains(file + ":9:5: types.lower_case.colour: unknown key"), text);
        assertTrue(text.contains("the canonical type PHONE is missing"), text);
        assertEquals(11, e.problems().size(), text);
    }
}
