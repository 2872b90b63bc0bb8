package io.aegis.cost;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settlements mirrored to a mapped file: readable at any moment, recovered by the next run. */
class SpendLedgerTest {
    private static final long NOW = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    @Test
    void everySettlementIsInTheFileAtOnceAndTheNextRunStartsFromIt() {
        Path file = dir.resolve("spend.ledger");
        SpendLedger first = SpendLedger.open(file, List.of("acme", "acme model claude-opus-4-1"));
        Budget budget = new Budget(1_000_000, 5_000_000, NOW, 0, 0, first.slot("acme"));
        for (int i = 0; i < 7; i++) {
            Reservation hold = new Reservation();
            assertEquals(0, budget.reserve(100_000, NOW, hold));
            hold.settle(30_000);
        }
        // No close, no flush: what another process (or the next run after kill -9) would read now.
        Map<String, long[]> seen = SpendLedger.read(file);
        long dayStart = Budget.dayStartMillis(NOW);
        long monthStart = Budget.monthStartMillis(NOW);
        assertArrayEquals(new long[] {dayStart, 210_000, monthStart, 210_000}, seen.get("acme"));

        SpendLedger second = SpendLedger.open(file, List.of("acme"));
        assertArrayEquals(new long[] {210_000, 210_000}, second.settledNow("acme", NOW));
        assertArrayEquals(new long[] {0, 210_000}, second.settledNow("acme", NOW + 86_400_000L),
                "tomorrow the day window starts empty; the month does not");
        Budget restarted = new Budget(1_000_000, 5_000_000, NOW, 210_000, 210_000, second.slot("acme"));
        assertTrue(restarted.reserve(800_000, NOW, new Reservation()) > 0, "210,000 + 800,000 > the day's 1,000,000");
        first.close();
        second.close();
    }
}
