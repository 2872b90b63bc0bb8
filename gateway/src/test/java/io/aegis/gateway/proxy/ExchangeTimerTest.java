package io.aegis.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.gateway.testing.ManualClock;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The exchange's one timer, on a manual clock: armed once, moved only earlier, never spinning. */
class ExchangeTimerTest {
    private final ManualClock clock = new ManualClock();
    private final List<Long> firedAt = new ArrayList<>();
    private final ExchangeTimer timer = new ExchangeTimer(clock, () -> firedAt.add(clock.nanoTime()));

    ExchangeTimerTest() {
        timer.attach(new EmbeddedChannel().eventLoop());
    }

    private long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void firesOnceAtItsDueTime() {
        long start = clock.nanoTime();
        timer.arm(start, start + ms(250));
        assertTrue(timer.armed());
        clock.advance(249, TimeUnit.MILLISECONDS);
        assertEquals(List.of(), firedAt);
        clock.advance(1, TimeUnit.MILLISECONDS);
        assertEquals(List.of(start + ms(250)), firedAt);
        assertFalse(timer.armed(), "a fired timer is no longer armed");
        clock.advance(1, TimeUnit.SECONDS);
        assertEquals(1, firedAt.size());
    }

    @Test
    void somethingSoonerMovesItEarlierAndNothingLaterMovesIt() {
        long start = clock.nanoTime();
        timer.arm(start, start + ms(1000));
        timer.armIfSooner(start, start + ms(2000));
        timer.armIfSooner(start, start + ms(300));
        assertEquals(1, clock.pendingTimers(), "moving the timer cancels the old one: never two at once");
        clock.advance(300, TimeUnit.MILLISECONDS);
        assertEquals(List.of(start + ms(300)), firedAt);
        assertEquals(0, clock.pendingTimers());
    }

    @Test
    void anUnarmedTimerStaysUnarmed() {
        long start = clock.nanoTime();
        timer.armIfSooner(start, start + ms(10));
        assertFalse(timer.armed(), "only the stage that owns the timer arms it");
        assertEquals(0, clock.pendingTimers());
    }

    @Test
    void aDueTimeAlreadyPastWaitsTheMinimumDelay() {
        long start = clock.nanoTime();
        timer.arm(start, start - ms(5));
        assertEquals(ExchangeTimer.MIN_DELAY_NANOS, clock.nanosToNextTimer());
    }

    @Test
    void cancelledItNeverFires() {
        long start = clock.nanoTime();
        timer.arm(start, start + ms(10));
        timer.cancel();
        clock.advance(1, TimeUnit.SECONDS);
        assertEquals(List.of(), firedAt);
        assertFalse(timer.armed());
    }
}
