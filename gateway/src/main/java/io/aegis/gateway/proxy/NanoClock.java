package io.aegis.gateway.proxy;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Time as an exchange sees it: the nanosecond clock its deadlines, breakers, key pools and retry
 * budgets read, and the timer that wakes it. {@link #SYSTEM} in the gateway; tests give a manual
 * clock whose timer fires as they move time on, so retry, hedge and deadline logic is checked
 * without waiting on a wall clock.
 */
public interface NanoClock {
    /** {@link System#nanoTime()}, and timers on the exchange's event loop. */
    NanoClock SYSTEM = new NanoClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Future<?> schedule(EventExecutor loop, Runnable task, long delayNanos) {
            return loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        }
    };

    /** Now, in {@link System#nanoTime()} terms: only differences mean anything. */
    long nanoTime();

    /** Runs {@code task} on {@code loop} once {@code delayNanos} have passed; cancel the returned future to drop it. */
    Future<?> schedule(EventExecutor loop, Runnable task, long delayNanos);
}
