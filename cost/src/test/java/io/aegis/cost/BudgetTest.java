package io.aegis.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Budgets: reserve the worst case, settle the actual, never past the limit. */
class BudgetTest {
    private static final long NOW = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();

    @Test
    void concurrentReservationsNeverSettlePastTheLimit() throws Exception {
        long limit = 1_000_000; // nano-dollars; 200 worst cases average ~10,000 each: about half fit
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 20; round++) {
                Budget budget = new Budget(limit, Budget.UNLIMITED, NOW, 0, 0);
                CountDownLatch start = new CountDownLatch(1);
                AtomicInteger refused = new AtomicInteger();
                List<Future<long[]>> reserved = new ArrayList<>();
                List<Reservation> holds = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    Random random = new Random(round * 1000L + i);
                    long worstCase = 1 + random.nextInt(20_000);
                    Reservation hold = new Reservation();
                    holds.add(hold);
                    reserved.add(pool.submit(() -> {
                        start.await();
                        long wait = budget.reserve(worstCase, NOW, hold);
                        if (wait > 0) {
                            refused.incrementAndGet();
                            assertEquals(TimeUnit.HOURS.toMillis(14), wait, "retry-after runs to the end of the day");
                        }
                        return new long[] {wait, worstCase};
                    }));
                }
                start.countDown();
                // Every reservation is in before any settles: the limit alone decided who got in.
                List<Future<Long>> settled = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    long[] result = reserved.get(i).get(10, TimeUnit.SECONDS);
                    Reservation hold = holds.get(i);
                    long actual = result[0] > 0 ? 0 : new Random(i).nextInt((int) result[1] + 1);
                    settled.add(pool.submit(() -> {
                        if (hold.active()) {
                            hold.settle(actual); // never more than the worst case
                            return actual;
                        }
                        return 0L;
                    }));
                }
                assertTrue(budget.today(NOW).committedNanos() <= limit, "reservations within the limit");
                long total = 0;
                for (Future<Long> f : settled) {
                    total += f.get(10, TimeUnit.SECONDS);
                }
                SpendWindow today = budget.today(NOW);
                assertEquals(total, today.settledNanos(), "every settlement counted once");
                assertEquals(today.settledNanos(), today.committedNanos(), "nothing left reserved");
                assertTrue(today.settledNanos() <= limit, "settled " + today.settledNanos() + " > limit " + limit);
                assertTrue(refused.get() > 0 && refused.get() < 200, "the limit admits some and refuses some: " + refused);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aReservationIsRefusedWhenEitherWindowIsFullAndSaysUntilWhen() {
        Budget budget = new Budget(1_000, 1_500, NOW, 0, 0);
        Reservation a = new Reservation();
        assertEquals(0, budget.reserve(800, NOW, a));
        assertEquals(TimeUnit.HOURS.toMillis(14), budget.reserve(300, NOW, new Reservation()), "day full until midnight UTC");
        a.settle(100);
        assertEquals(0, budget.reserve(300, NOW, new Reservation()), "the rest of the worst case was released");
        long nextDay = NOW + TimeUnit.DAYS.toMillis(1);
        assertEquals(0, budget.reserve(900, nextDay, new Reservation()), "a new day: the day window starts empty");
        assertEquals(0.1, budget.remainingFraction(nextDay), 1e-9, "the tighter window: 100 of the day's 1000 left");
        long dayAfter = nextDay + TimeUnit.DAYS.toMillis(1);
        long untilDecember = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli() - dayAfter;
        assertEquals(untilDecember, budget.reserve(300, dayAfter, new Reservation()),
                "the month refuses: 100 + 300 + 900 + 300 > 1500, until the first of next month");
        assertEquals(0, budget.today(dayAfter).committedNanos(), "the day's share was given back");
    }

    @Test
    void aRestartedBudgetStartsFromTheSnapshotNotFromZero() {
        Budget restarted = new Budget(1_000, Budget.UNLIMITED, NOW, 900, 900);
        assertTrue(restarted.reserve(200, NOW, new Reservation()) > 0, "900 already spent today");
        assertEquals(0, restarted.reserve(100, NOW, new Reservation()));
    }

    @Test
    void settlingTwiceCountsOnce() {
        Budget budget = new Budget(1_000, Budget.UNLIMITED, NOW, 0, 0);
        Reservation hold = new Reservation();
        budget.reserve(500, NOW, hold);
        hold.settle(200);
        hold.settle(200);
        hold.release();
        assertEquals(200, budget.today(NOW).settledNanos());
        assertEquals(200, budget.today(NOW).committedNanos());
        assertEquals(0, budget.today(NOW).overrunNanos());
    }

    @Test
    void anActualCostAboveItsReservationIsCountedAsAnOverrun() {
        Budget budget = new Budget(1_000, Budget.UNLIMITED, NOW, 0, 0);
        Reservation hold = new Reservation();
        budget.reserve(500, NOW, hold);
        hold.settle(700); // a provider billing past the request's own caps
        assertEquals(700, budget.today(NOW).settledNanos());
        assertEquals(200, budget.today(NOW).overrunNanos(), "visible, never silent");
    }
}
