package io.aegis.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Per-minute limits: exact admissions, exact waits, token estimates settled afterwards. */
class RateLimitTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aMinutesAllowanceIsAdmittedAndTheNextWaitsItsShare() {
        long t0 = 1_000 * SECOND;
        RateLimit rpm = new RateLimit(10, t0);
        for (int i = 0; i < 10; i++) {
            assertEquals(0, rpm.tryAcquire(1, t0), "request " + i);
        }
        assertEquals(6 * SECOND, rpm.tryAcquire(1, t0), "the 11th waits one tenth of a minute");
        assertEquals(0, rpm.remaining(t0));
        assertEquals(0, rpm.tryAcquire(1, t0 + 6 * SECOND));
        assertEquals(60 * SECOND, rpm.resetNanos(t0 + 6 * SECOND));
    }

    @Test
    void anyMinuteAdmitsAtMostTheLimit() {
        RateLimit rpm = new RateLimit(100, 0);
        int admitted = 0;
        for (long t = 0; t < 60 * SECOND; t += SECOND / 10) {
            for (int burst = 0; burst < 3; burst++) {
                if (rpm.tryAcquire(1, t) == 0) {
                    admitted++;
                }
            }
        }
        assertTrue(admitted <= 100 + 99, "the first minute may add a full burst to the steady rate: " + admitted);
        int inLastMinute = 0;
        RateLimit steady = new RateLimit(100, 0);
        for (long t = 0; t < 120 * SECOND; t += SECOND / 10) {
            if (steady.tryAcquire(1, t) == 0 && t >= 60 * SECOND) {
                inLastMinute++;
            }
        }
        assertTrue(inLastMinute <= 100, "a full minute later: " + inLastMinute);
    }

    @Test
    void tokenEstimatesAreSettledToTheActualCount() {
        RateLimit tpm = new RateLimit(1_000, 0);
        assertEquals(0, tpm.tryAcquire(400, 0));
        tpm.adjust(-300); // the request used 100, not 400
        assertEquals(900, tpm.remaining(0));
        tpm.adjust(500);
        assertEquals(400, tpm.remaining(0));
        assertTrue(tpm.tryAcquire(500, 0) > 0);
    }

    @Test
    void aLimitAFleetSharesAdmitsOnlyWhatThisGatewayWasLeasedInEachUtcMinute() {
        long minute = 29_000_000 * MinuteWindow.MINUTE_MILLIS;
        RateLimit rpm = new RateLimit(100, 0);
        assertTrue(rpm.shareWithFleet());
        assertFalse(rpm.shareWithFleet(), "shared once");
        int[] heard = new int[1];
        rpm.onShortOfLease(() -> heard[0]++);
        // Nothing leased yet: refused until the next minute, or until a lease arrives.
        long wait = rpm.tryAcquire(1, SECOND, minute + 15_000);
        assertEquals(45_000L * 1_000_000, wait);
        assertEquals(1, heard[0], "the lease client hears of the refusal at once");
        assertTrue(rpm.waitsForLease(1, minute + 15_000));
        assertEquals(100, rpm.remaining(SECOND), "the refusal gave the cell rate back");
        MinuteWindow window = rpm.minute(minute + 15_000);
        window.leased(3);
        assertEquals(0, rpm.tryAcquire(1, SECOND, minute + 15_000));
        assertEquals(0, rpm.tryAcquire(2, SECOND, minute + 15_001));
        assertTrue(rpm.tryAcquire(1, SECOND, minute + 15_002) > 0, "the lease is spent");
        assertEquals(3, window.committedUnits());
        // A correction goes to the minute the admission counted in.
        rpm.adjust(-1, window);
        assertEquals(2, window.committedUnits());
        // The next minute is a window of its own, with nothing leased until the cluster grants.
        MinuteWindow next = rpm.minute(minute + 60_000);
        assertNotSame(window, next);
        assertEquals(0, next.leasedUnits());
        assertSame(window, rpm.minute(minute + 59_999));
        assertSame(next, rpm.fleetMinute(minute + 60_500));
        // Beyond the minute's own limit nothing waits for a lease.
        next.leased(100);
        assertEquals(0, rpm.tryAcquire(100, 200 * SECOND, minute + 60_500));
        assertFalse(rpm.waitsForLease(1, minute + 60_500));
    }

    @Test
    void aMinuteStartingWhileTheClusterIsOutOfReachRunsOnTheFailMode() {
        long minute = 29_000_000 * MinuteWindow.MINUTE_MILLIS;
        RateLimit open = new RateLimit(10, 0);
        open.shareWithFleet();
        open.failsOpen(true);
        open.minute(minute).leaseExpected(false);
        MinuteWindow next = open.minute(minute + 60_000);
        assertEquals(10, next.leasedUnits(), "fail open: this gateway's own limit");
        assertFalse(open.waitsForLease(1, minute + 60_000), "no lease is on its way");

        RateLimit closed = new RateLimit(10, 0);
        closed.shareWithFleet();
        closed.minute(minute).leaseExpected(false);
        assertEquals(0, closed.minute(minute + 60_000).leasedUnits(), "fail closed: nothing");
        assertTrue(closed.tryAcquire(1, SECOND, minute + 60_000) > 0);
        assertFalse(closed.waitsForLease(1, minute + 60_000));

        RateLimit own = new RateLimit(10, 0);
        assertEquals(null, own.fleetMinute(minute), "a limit of this gateway's own counts no minutes");
        assertEquals(0, own.tryAcquire(10, SECOND, minute));
    }
}
