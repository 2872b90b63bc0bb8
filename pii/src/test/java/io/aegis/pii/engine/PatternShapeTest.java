package io.aegis.pii.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.natives.HyperscanSupport;
import io.aegis.pii.CatalogueReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** What a pattern's matches can hold, read from its source: the stream's hold-back rests on it. */
class PatternShapeTest {
    @Test
    void widthsAndAlphabetsOfTheSubset() {
        PatternShape card = PatternShape.of("\\b[0-9]{4}(?:[ -][0-9]{4}){2,3}(?:[ -][0-9]{1,4})?\\b");
        assertEquals(4 + 3 * 5 + 5, card.maxWidth);
        assertTrue(card.alphabet['7'] && card.alphabet[' '] && card.alphabet['-']);
        assertFalse(card.alphabet['a'] || card.alphabet['.'] || card.alphabet[0xe2]);

        PatternShape email = PatternShape.of("\\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,24}\\b");
        assertEquals(PatternShape.UNBOUNDED, email.maxWidth);
        assertTrue(email.alphabet['@'] && email.alphabet['%']);
        assertFalse(email.alphabet[' '] || email.alphabet[','], "a space ends every e-mail address");

        assertEquals(4, PatternShape.of("a|bc|d(?:e|fgh)").maxWidth);
        assertEquals(7, PatternShape.of("(?:ab?){0,3}c").maxWidth);
        assertTrue(PatternShape.of("\\S+@x").alphabet[0xc3], "a negated class holds non-ASCII bytes");
    }

    @Test
    void whatItCannotReadHoldsBackTheMost() {
        assertSame(PatternShape.UNKNOWN, PatternShape.of("(?=x)y"));
        assertSame(PatternShape.UNKNOWN, PatternShape.of("(a)\\1"));
        assertSame(PatternShape.UNKNOWN, PatternShape.of("[unclosed"));
    }

    @Test
    void theCataloguesWidthsAgreeWithHyperscansOwnAnalysis() throws Exception {
        HyperscanSupport support = HyperscanSupport.current();
        Assumptions.assumeTrue(support.available(), "Hyperscan is not available here: " + support.reason());
        Path root = Path.of(System.getProperty("aegis.project.root", ".."));
        String[] sources = new CompiledCatalogue(CatalogueReader.read(root.resolve("configs/pii.yaml"))).patternSources();
        int[] hyperscan = HyperscanEngine.maxWidths(sources);
        for (int i = 0; i < sources.length; i++) {
            assertEquals(hyperscan[i], PatternShape.of(sources[i]).maxWidth, sources[i]);
        }
    }
}
