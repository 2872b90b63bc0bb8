package io.aegis.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.gateway.config.CircuitSettings;
import io.aegis.gateway.config.RetrySettings;
import io.aegis.gateway.config.RouteSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The resilience parts on their own, with time passed in rather than waited for. */
class ResiliencePartsTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void aCircuitOpensOnItsFailureRatioAndClosesAfterItsProbes() {
        CircuitBreaker breaker = new CircuitBreaker(new CircuitSettings(0.5, 4, 10_000, 1_000, 2));
        long t = 1_000_000 * MS;
        breaker.success(t, false);
        breaker.failure(t, false);
        breaker.failure(t, false);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(t), "three attempts are fewer than min_requests");
        breaker.failure(t, false);
        assertEquals(CircuitBreaker.State.OPEN, breaker.state(t), "3 failures of 4 reach the 0.5 ratio");
        assertEquals(CircuitBreaker.REFUSED, breaker.tryAcquire(t + 999 * MS));
        assertEquals(1, breaker.timesOpened());

        long later = t + 1_000 * MS;
        assertEquals(CircuitBreaker.PROBE, breaker.tryAcquire(later));
        assertEquals(CircuitBreaker.PROBE, breaker.tryAcquire(later));
        assertEquals(CircuitBreaker.REFUSED, breaker.tryAcquire(later), "two probes, no more");
        breaker.abandoned(true);
        assertEquals(CircuitBreaker.PROBE, breaker.tryAcquire(later), "an abandoned probe's permit comes back");
        breaker.success(later, true);
        assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.state(later));
        breaker.success(later, true);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(later));
        assertEquals(CircuitBreaker.GRANTED, breaker.tryAcquire(later));
    }

    @Test
    void aFailedProbeOpensTheCircuitAgain() {
        CircuitBreaker breaker = new CircuitBreaker(new CircuitSettings(1.0, 1, 10_000, 500, 1));
        long t = 5_000 * MS;
        breaker.failure(t, false);
        assertEquals(CircuitBreaker.State.OPEN, breaker.state(t));
        assertEquals(CircuitBreaker.PROBE, breaker.tryAcquire(t + 500 * MS));
        breaker.failure(t + 500 * MS, true);
        assertEquals(CircuitBreaker.REFUSED, breaker.tryAcquire(t + 900 * MS), "open for another open_ms");
        assertEquals(2, breaker.timesOpened());
    }

    @Test
    void oldFailuresLeaveTheWindow() {
        CircuitBreaker breaker = new CircuitBreaker(new CircuitSettings(0.5, 4, 1_000, 1_000, 1));
        long t = 10_000 * MS;
        breaker.failure(t, false);
        breaker.failure(t, false);
        breaker.failure(t, false);
        long later = t + 2_000 * MS;
        breaker.failure(later, false);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(later), "the first three are out of the window");
    }

    @Test
    void theRetryBudgetAllowsItsRatioOfRequestsPlusItsFloor() {
        RetryBudget budget = new RetryBudget(new RetrySettings(3, 100, 1000, 60_000, 0.2, 0));
        long t = 3_000_000 * MS;
        for (int i = 0; i < 100; i++) {
            budget.request(t);
        }
        int allowed = 0;
        while (budget.tryRetry(t)) {
            allowed++;
        }
        assertEquals(20, allowed, "0.2 of 100 requests");
        RetryBudget quiet = new RetryBudget(new RetrySettings(3, 100, 1000, 60_000, 0.2, 1));
        int floor = 0;
        while (quiet.tryRetry(t)) {
            floor++;
        }
        assertEquals(10, floor, "one retry a second over the ten-second window, with no requests at all");
    }

    @Test
    void keysAreChosenByLeastInFlightAndRestAfterA429() {
        KeyPool pool = new KeyPool(List.of("k-one", "k-two", "k-three"), List.of("a", "b", "c"),
                CircuitSettings.DEFAULT);
        int[] grant = new int[1];
        long t = 1_000 * MS;
        int first = pool.acquire(t, grant, 0);
        int second = pool.acquire(t, grant, 0);
        int third = pool.acquire(t, grant, 0);
        assertEquals(3, java.util.Set.of(first, second, third).size(), "each key takes one before any takes two");
        pool.release(second);
        assertEquals(second, pool.acquire(t, grant, 0), "the key with nothing in flight");
        pool.release(first);
        pool.release(second);
        pool.release(third);
        pool.coolDown(0, t + 500 * MS);
        pool.coolDown(1, t + 800 * MS);
        pool.coolDown(2, t + 900 * MS);
        assertEquals(-1, pool.acquire(t, grant, 0), "every key resting");
        assertEquals(500 * MS, pool.nanosUntilAvailable(t));
        assertEquals(0, pool.acquire(t + 500 * MS, grant, 0));
        pool.coolDown(0, t + 100 * MS);
        assertEquals(500 * MS, pool.nanosUntilAvailable(t), "a shorter cooldown never shortens a longer one");
    }

    @Test
    void aKeyBehindAnOpenCircuitIsPassedOver() {
        KeyPool pool = new KeyPool(List.of("k-one", "k-two"), List.of("a", "b"), new CircuitSettings(1.0, 1, 10_000, 1_000, 1));
        long t = 2_000 * MS;
        pool.breaker(0).failure(t, false);
        int[] grant = new int[1];
        for (int i = 0; i < 4; i++) {
            assertEquals(1, pool.acquire(t, grant, 0), "key 0 is open: every attempt takes key 1");
        }
        assertEquals(0, pool.acquire(t + 1_000 * MS, grant, 0), "after open_ms, key 0 (nothing in flight) takes a probe");
        assertEquals(CircuitBreaker.PROBE, grant[0]);
    }

    @Test
    void keysARequestSawRefusedAreAvoided() {
        KeyPool pool = new KeyPool(List.of("k-one", "k-two", "k-three"), List.of("a", "b", "c"), CircuitSettings.DEFAULT);
        int[] grant = new int[1];
        long t = 3_000 * MS;
        for (int i = 0; i < 3; i++) {
            int key = pool.acquire(t, grant, 0b011);
            assertEquals(2, key, "keys 0 and 1 refused this request: only key 2 is left to it");
            pool.release(key);
        }
        assertEquals(-1, pool.acquire(t, grant, 0b111));
        assertTrue(pool.usableOutside(0b011, t));
        pool.coolDown(2, t + 500 * MS);
        assertFalse(pool.usableOutside(0b011, t), "key 2 rests");
        assertTrue(pool.usableOutside(0b011, t + 500 * MS));
    }

    @Test
    void theUpstreamsAdviceIsReadFromHeadersOrAGeminiBody() {
        HttpHeaders headers = new DefaultHttpHeaders();
        assertEquals(RetryAdvice.NONE, RetryAdvice.requestedDelayMs(headers, null, 0));
        headers.set("retry-after", "7");
        assertEquals(7_000, RetryAdvice.requestedDelayMs(headers, null, 0));
        headers.set("retry-after-ms", "1234.5");
        assertEquals(1235, RetryAdvice.requestedDelayMs(headers, null, 0), "retry-after-ms wins and rounds up");
        HttpHeaders dated = new DefaultHttpHeaders().set("retry-after", "Sun, 22 Nov 2026 10:00:30 GMT");
        long now = java.time.Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();
        assertEquals(30_000, RetryAdvice.requestedDelayMs(dated, null, now));
        ByteBuf gemini = Unpooled.copiedBuffer("{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\",\"details\":["
                + "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\", \"retryDelay\" : \"2.5s\"}]}}", StandardCharsets.UTF_8);
        assertEquals(2_500, RetryAdvice.requestedDelayMs(new DefaultHttpHeaders(), gemini, 0));
        gemini.release();

        assertTrue(RetryAdvice.retryableStatus(529));
        assertFalse(RetryAdvice.retryableStatus(400));
        assertEquals(0, RetryAdvice.shouldRetry(new DefaultHttpHeaders().set("x-should-retry", "false")));
        assertEquals(1, RetryAdvice.shouldRetry(new DefaultHttpHeaders().set("x-should-retry", "true")));
    }

    @Test
    void backoffIsFullJitterUnderADoublingCeiling() {
        RetrySettings settings = new RetrySettings(5, 100, 350, 60_000, 1, 1);
        long[] ceilings = {100, 200, 350, 350};
        for (int retry = 1; retry <= 4; retry++) {
            long max = 0;
            for (int i = 0; i < 2_000; i++) {
                long wait = RetryAdvice.backoffMs(settings, retry);
                assertTrue(wait >= 0 && wait <= ceilings[retry - 1], "retry " + retry + " waited " + wait);
                max = Math.max(max, wait);
            }
            assertTrue(max > ceilings[retry - 1] / 2, "the draw spans the range up to the ceiling");
        }
    }

    @Test
    void firstByteTimesGiveAPercentileOnceThereAreEnough() {
        FirstByteTimes times = new FirstByteTimes();
        for (int i = 1; i < FirstByteTimes.MIN_SAMPLES; i++) {
            times.record(i * MS);
        }
        assertEquals(-1, times.percentileNanos(95, 0));
        FirstByteTimes full = new FirstByteTimes();
        for (int i = 1; i <= 100; i++) {
            full.record(i * MS);
        }
        assertEquals(95 * MS, full.percentileNanos(95, 0));
        assertEquals(50 * MS, full.percentileNanos(50, 1), "the value computed at time 0 still holds at time 1");
    }

    @Test
    void routesMatchByModelGlobAndStream() {
        RouteSettings haikuStreams = new RouteSettings(List.of("claude-haiku-*"), true, null, 2, null);
        assertTrue(haikuStreams.matches("claude-haiku-4-5", true));
        assertFalse(haikuStreams.matches("claude-haiku-4-5", false));
        assertFalse(haikuStreams.matches("claude-sonnet-4-5", true));
        RouteSettings any = new RouteSettings(List.of(), null, null, 0, null);
        assertTrue(any.matches("gemini-2.5-pro", false));
        assertTrue(new RouteSettings(List.of("*flash*"), null, null, 0, null).matches("gemini-2.5-flash-lite", true));
    }
}
