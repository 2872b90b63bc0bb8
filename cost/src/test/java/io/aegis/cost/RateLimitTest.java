package io.aegis.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
