package io.aegis.pii.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.natives.HyperscanSupport;
import io.aegis.pii.CatalogueReader;
import io.aegis.pii.Findings;
import io.aegis.pii.PiiCatalogue;
import io.aegis.pii.PiiEngine;
import io.aegis.pii.PiiEngines;
import io.aegis.pii.PiiScanner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Peeling a pattern's leading run of classes, and the engines agreeing on patterns that have one. */
class LeadingRunTest {
    private static final String EMAIL = "\\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,24}\\b";

    @TempDir
    Path dir;

    @Test
    void theEmailPatternIsScannedFromItsAtSign() {
        LeadingRun run = LeadingRun.of(EMAIL);
        assertNotNull(run);
        assertEquals("@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,24}\\b", run.rest);
        byte[] text = "mail <jane.doe+x@example.com>".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(text, '@');
        assertEquals(6, run.reachBack(text, at, 0), "back over the local part to the '<'");
    }

    @Test
    void aBoundedRunReachesBackNoFurtherThanItsLength() {
        LeadingRun run = LeadingRun.of("[A-Z]{2}[0-9]?:[a-z]+");
        assertNotNull(run);
        assertEquals(":[a-z]+", run.rest);
        byte[] text = "ABCDE7:xyz".getBytes(StandardCharsets.US_ASCII);
        assertEquals(3, run.reachBack(text, 6, 0), "two letters and one digit at most");
    }

    @Test
    void bytesAboveAsciiBelongToTheRunOnlyWhenItsClassesTakeU0080() {
        byte[] text = "é@x".getBytes(StandardCharsets.UTF_8);
        assertEquals(2, LeadingRun.of("[a-z]+@x").reachBack(text, 2, 0));
        assertEquals(0, LeadingRun.of("[^ ]+@x").reachBack(text, 2, 0));
        assertEquals(0, LeadingRun.of("\\S+@x").reachBack(text, 2, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\\b[0-9]{13,19}\\b",            // nothing after the run but an assertion
        "\\b[a-z]+@x|y@z",               // the run would belong to the first branch only
        "(?:[0-9a-f]{0,4}:){2,8}",       // opens with a group
        "sk-[A-Za-z0-9]{20,}",           // opens with a literal: nothing to peel
        "\\b[a-z]+(?:@x)",               // a group after the run
        "[a-z]+.x",                      // '.' is not a literal
        "[a-z]+\\d@x",                   // classes all the way to the literal are peeled: see below
    })
    void patternsWithoutALiteralAfterALeadingRunAreScannedWhole(String pattern) {
        LeadingRun run = LeadingRun.of(pattern);
        if (pattern.equals("[a-z]+\\d@x")) {
            assertNotNull(run);
            assertEquals("@x", run.rest);
        } else {
            assertNull(run, pattern);
        }
    }

    @Test
    void escapedPunctuationIsALiteralAndNestedClassesAreRead() {
        LeadingRun run = LeadingRun.of("[a-z&&[^q]]+\\.[a-z]{2,}");
        assertNotNull(run);
        assertEquals("\\.[a-z]{2,}", run.rest);
        byte[] text = "aqb.cc".getBytes(StandardCharsets.US_ASCII);
        assertEquals(2, run.reachBack(text, 3, 0), "'q' is outside the class");
    }

    /**
     * Both engines over random text dense in the runs' characters must find exactly the same
     * spans: a wrong reach-back would lose a match's start in the Hyperscan engine only.
     */
    @Test
    void enginesAgreeOnPatternsWithLeadingRuns() throws Exception {
        HyperscanSupport support = HyperscanSupport.current();
        Assumptions.assumeTrue(support.available(), "Hyperscan is not available here: " + support.reason());
        Path file = dir.resolve("pii.yaml");
        // The shipped catalogue (its EMAIL has a leading run) and two custom types with runs of their own.
        Path root = Path.of(System.getProperty("aegis.project.root", "..")).toAbsolutePath().normalize();
        Files.writeString(file, Files.readString(root.resolve("configs/pii.yaml")) + String.join("\n",
                "",
                "  HANDLE:",
                "    patterns: [ '\\b[A-Z]{2}[0-9]?:[a-z]+' ]",
                "  TICKET:",
                "    patterns: [ '[a-z.]*[0-9]+#[0-9a-z]{2,}\\b' ]",
                ""));
        PiiCatalogue catalogue = CatalogueReader.read(file);
        String alphabet = "aAbZq09.._-+%@@##:: \u00e9";
        Random random = new Random(20261122);
        try (PiiEngine java = PiiEngines.java(catalogue); PiiEngine hyperscan = PiiEngines.hyperscan(catalogue);
             PiiScanner javaScanner = java.newScanner(); PiiScanner hyperscanScanner = hyperscan.newScanner()) {
            Findings expected = new Findings();
            Findings actual = new Findings();
            int found = 0;
            for (int sample = 0; sample < 3000; sample++) {
                StringBuilder text = new StringBuilder();
                int length = random.nextInt(120);
                for (int i = 0; i < length; i++) {
                    text.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                if (random.nextBoolean()) {
                    text.insert(random.nextInt(text.length() + 1), " ab.c-d@ex-1.example.org ");
                }
                byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
                javaScanner.scan(bytes, bytes.length, expected);
                hyperscanScanner.scan(bytes, bytes.length, actual);
                assertEquals(describe(expected), describe(actual), text.toString());
                found += expected.size();
            }
            assertTrue(found > 1000, "the samples must hold matches to compare, found " + found);
        }
    }

    private static String describe(Findings findings) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < findings.size(); i++) {
            out.append(findings.type(i)).append('@').append(findings.start(i)).append('-').append(findings.end(i)).append(' ');
        }
        return out.toString();
    }

    private static int indexOf(byte[] text, char c) {
        for (int i = 0; i < text.length; i++) {
            if (text[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
