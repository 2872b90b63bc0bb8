package io.aegis.gateway.testing;

import io.aegis.gateway.proxy.NanoClock;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A {@link NanoClock} that moves only when a test says so: timers scheduled on it run, in due order,
 * on the test's thread as {@link #advance} passes their time. Retry, hedge and deadline logic can
 * then be checked to the nanosecond without waiting, or flaking, on a loaded machine.
 */
public final class ManualClock implements NanoClock {
    private long nowNanos = 1_000_000_000L;
    private long sequence;
    private final List<Task> tasks = new ArrayList<>();

    @Override
    public long nanoTime() {
        return nowNanos;
    }

    @Override
    public Future<?> schedule(EventExecutor loop, Runnable task, long delayNanos) {
        Task scheduled = new Task(nowNanos + Math.max(0, delayNanos), sequence++, task);
        tasks.add(scheduled);
        return scheduled;
    }

    /** Moves time on by {@code amount}, running every timer that falls due on the way, at its own time. */
    public void advance(long amount, TimeUnit unit) {
        long until = nowNanos + unit.toNanos(amount);
        while (true) {
            Task next = tasks.stream().filter(t -> !t.cancelled && t.dueNanos - until <= 0)
                    .min(Comparator.comparingLong((Task t) -> t.dueNanos).thenComparingLong(t -> t.sequence))
                    .orElse(null);
            if (next == null) {
                break;
            }
            tasks.remove(next);
            nowNanos = Math.max(nowNanos, next.dueNanos);
            next.done = true;
            next.task.run();
        }
        nowNanos = until;
        tasks.removeIf(t -> t.cancelled);
    }

    /** Timers scheduled and neither run nor cancelled. */
    public int pendingTimers() {
        return (int) tasks.stream().filter(t -> !t.cancelled).count();
    }

    /** Nanoseconds until the next pending timer, or -1 when none is pending. */
    public long nanosToNextTimer() {
        return tasks.stream().filter(t -> !t.cancelled).mapToLong(t -> t.dueNanos - nowNanos).min().orElse(-1);
    }

    private static final class Task implements Future<Object> {
        final long dueNanos;
        final long sequence;
        final Runnable task;
        boolean cancelled;
        boolean done;

        Task(long dueNanos, long sequence, Runnable task) {
            this.dueNanos = dueNanos;
            this.sequence = sequence;
            this.task = task;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (done) {
                return false;
            }
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}
