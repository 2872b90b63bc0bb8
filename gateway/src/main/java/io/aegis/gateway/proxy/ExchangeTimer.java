package io.aegis.gateway.proxy;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.Future;

/**
 * One timer per exchange, armed for the earliest thing due (a deadline, a first byte, a hedge, a
 * retry) and moved earlier when something sooner comes up; never two scheduled at once. The time
 * and the scheduling come from the {@link NanoClock}, so tests drive it with a manual clock.
 */
final class ExchangeTimer {
    /** The shortest delay armed: a due time already past still waits this long, never spins. */
    static final long MIN_DELAY_NANOS = 100_000L;

    private final NanoClock clock;
    private final Runnable onDue;
    private EventExecutor loop;
    private Future<?> pending;
    /** When the armed timer fires. */
    private long dueNanos;

    ExchangeTimer(NanoClock clock, Runnable onDue) {
        this.clock = clock;
        this.onDue = () -> {
            pending = null;
            onDue.run();
        };
    }

    void attach(EventExecutor loop) {
        this.loop = loop;
    }

    /** Arms for {@code atNanos} (replacing nothing: call when not armed). */
    void arm(long nowNanos, long atNanos) {
        long delayNanos = Math.max(atNanos - nowNanos, MIN_DELAY_NANOS);
        dueNanos = nowNanos + delayNanos;
        pending = clock.schedule(loop, onDue, delayNanos);
    }

    /** Moves an armed timer earlier when {@code atNanos} comes before it; an unarmed one stays unarmed. */
    void armIfSooner(long nowNanos, long atNanos) {
        if (pending != null && atNanos - dueNanos < 0) {
            pending.cancel(false);
            pending = null;
            arm(nowNanos, atNanos);
        }
    }

    boolean armed() {
        return pending != null;
    }

    void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}
