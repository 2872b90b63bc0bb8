package io.aegis.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shipped prices, model resolution, and exact costs worked out by hand. */
class PricingTest {
    static Pricing shipped() throws PricingException {
        Path root = Path.of(System.getProperty("aegis.project.root", "..")).toAbsolutePath().normalize();
        return PricingReader.read(root.resolve("configs/pricing.yaml"));
    }

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({
        "claude-sonnet-4-5, claude-sonnet-4-5, true",
        "claude-sonnet-4-5-20250929, claude-sonnet-4-5, true",
        "claude-opus-4-1-20250805, claude-opus-4-1, true",
        "gemini-2.5-flash-lite, gemini-2.5-flash-lite, true",
        "gemini-2.5-flash-lite-preview-06-17, gemini-2.5-flash-lite, true",
        "gemini-2.5-flash-001, gemini-2.5-flash, true",
        "claude-sonnet-4-50, unknown_model, false",
        "gpt-4o, unknown_model, false",
    })
    void datedIdsTakeTheirFamilysPriceAndUnknownOnesTheDefault(String id, String family, boolean known) throws Exception {
        ModelPricing pricing = shipped().of(id);
        assertEquals(family, pricing.model());
        assertEquals(known, pricing.known());
    }

    /**
     * Rows worked out by hand from configs/pricing.yaml (USD per million = nano-dollars per token
     * × 1000): model, uncached input, cache write 5m, cache write 1h, cache read, output → nanos.
     */
    @ParameterizedTest
    @CsvSource({
        // Sonnet 4.5: 1000×3000 + 2000×3750 + 3000×300 + 500×15000
        "claude-sonnet-4-5, 1000, 2000, 0, 3000, 500, 18900000",
        // Sonnet 4.5, 1h cache write: 10×3000 + 100×6000 + 7×15000
        "claude-sonnet-4-5, 10, 0, 100, 0, 7, 735000",
        // Sonnet 4.5 above 200k (prompt 210,000): 150000×6000 + 60000×600 + 1000×22500
        "claude-sonnet-4-5, 150000, 0, 0, 60000, 1000, 958500000",
        // exactly 200,000 prompt tokens is not above: 200000×3000 + 10×15000
        "claude-sonnet-4-5, 200000, 0, 0, 0, 10, 600150000",
        // Sonnet 4.6 has no long-context tier in the table: 300000×3000
        "claude-sonnet-4-6, 300000, 0, 0, 0, 0, 900000000",
        // Opus 4.1: 100×15000 + 100×18750 + 100×1500 + 100×75000
        "claude-opus-4-1, 100, 100, 0, 100, 100, 11025000",
        // Haiku 4.5: 1×1000 + 1×5000
        "claude-haiku-4-5, 1, 0, 0, 0, 1, 6000",
        // Gemini 2.5 Pro above 200k: 250000×2500 + 2000×15000
        "gemini-2.5-pro, 250000, 0, 0, 0, 2000, 655000000",
        // Gemini 2.5 Pro, cache read below the tier: 4000×1250 + 1000×125 + 100×10000
        "gemini-2.5-pro, 4000, 0, 0, 1000, 100, 6125000",
        // Gemini 2.5 Flash with cache: 4000×300 + 1000×30 + 100×2500
        "gemini-2.5-flash, 4000, 0, 0, 1000, 100, 1480000",
        // Gemini 2.0 Flash: 1000000×100 + 1000×400
        "gemini-2.0-flash, 1000000, 0, 0, 0, 1000, 100400000",
        // unknown model at the default (opus 4.1 rates): 10×15000 + 10×75000
        "some-new-model, 10, 0, 0, 0, 10, 900000",
    })
    void costsAreExactNanoDollars(String model, long input, long write5m, long write1h, long read, long output,
                                  long expectedNanos) throws Exception {
        assertEquals(expectedNanos, Cost.nanos(shipped().of(model), input, write5m, write1h, read, output));
    }

    @Test
    void theWorstCaseBoundsAnyUsageWithinItsLimits() throws Exception {
        ModelPricing sonnet = shipped().of("claude-sonnet-4-5");
        // 1000 prompt tokens at most (the dearest prompt rate, 1h write 6000), 100 output (15000).
        assertEquals(1000 * 6000 + 100 * 15000, Cost.worstCaseNanos(sonnet, 1000, 100));
        assertTrue(Cost.nanos(sonnet, 0, 0, 1000, 0, 100) <= Cost.worstCaseNanos(sonnet, 1000, 100));
        assertEquals(64000L * 15000, Cost.worstCaseNanos(sonnet, 0, 0), "no output cap: the model's max_output");
        assertEquals("0.018900000", Cost.usd(18_900_000));
    }

    @Test
    void priceProblemsAreReportedWithTheirPlace() throws Exception {
        Path file = dir.resolve("pricing.yaml");
        Files.writeString(file, String.join("\n",
                "version: 1",
                "unknown_model: { input: 1, output: 2, max_output: 10 }",
                "models:",
                "  m1: { input: 0.0001, output: 1, max_output: 10 }",
                "  m2: { input: -1, output: 1, max_output: 10, colour: red }",
                "  m3: { output: 1 }",
                ""));
        PricingException e = assertThrows(PricingException.class, () -> PricingReader.read(file));
        List<String> problems = e.problems().stream().map(p -> p.toString().replace(file.toString(), "F")).toList();
        assertEquals(List.of(
                "F:4:16: models.m1.input: at most three decimals (money is held in whole nano-dollars a token)",
                "F:5:47: models.m2.colour: unknown key; allowed here: above_200k, cache_read, cache_write_1h, cache_write_5m,"
                        + " input, max_output, output",
                "F:5:16: models.m2.input: a price cannot be negative",
                "F:6:7: models.m3.input: required (USD per million tokens)",
                "F:6:7: models.m3.max_output: required (the output cap a budget reservation assumes when a request names none)"),
                problems);
        assertFalse(e.getMessage().isEmpty());
    }
}
