package io.aegis.trace.drain;

import io.aegis.trace.RequestEventView;
import io.aegis.trace.TraceEvent;
import io.aegis.trace.Retention;
import io.aegis.trace.TraceReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The AITrace drainer: one thread that reads the trace queue with its own tailer, aggregates
 * ({@link Totals}), publishes Prometheus text, and checkpoints its position with its totals
 * every {@code checkpointEvery} events and whenever the queue runs dry. After a crash it resumes
 * from the checkpoint: the events after it are read again and counted once.
 */
public final class Drainer implements AutoCloseable {
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final TraceReader reader;
    private final Path stateDir;
    private final int checkpointEvery;
    private Totals totals;
    private final RequestEventView view = new RequestEventView();
    /** Spans need every field; only decoded when exporting. */
    private final TraceEvent event = new TraceEvent();
    private final Runnable onEvent = this::aggregate;
    private final OtlpExport otlp;
    private final Path queueDir;
    /** Drained files older than this are deleted (negative: never). */
    private long retainMillis = -1;
    private long lastRetentionMillis;
    private long lastIndex = -1;
    private long sinceCheckpoint;
    private volatile String prometheus;
    private volatile boolean running = true;

    public Drainer(Path queueDir, Path stateDir, int checkpointEvery) throws IOException {
        this(queueDir, stateDir, checkpointEvery, null);
    }

    /** The same, also exporting over OTLP ({@code otlp} may be {@code null}). */
    public Drainer(Path queueDir, Path stateDir, int checkpointEvery, OtlpExport otlp) throws IOException {
        this.otlp = otlp;
        this.queueDir = queueDir;
        this.reader = new TraceReader(queueDir);
        this.stateDir = stateDir;
        this.checkpointEvery = checkpointEvery;
        Checkpoint checkpoint = Checkpoint.load(stateDir);
        if (checkpoint != null) {
            if (!reader.resumeAfter(checkpoint.index)) {
                reader.close();
                throw new IOException("the checkpointed queue position " + checkpoint.index + " is not in " + queueDir
                        + " (a different or pruned queue?)");
            }
            totals = checkpoint.totals;
            lastIndex = checkpoint.index;
        } else {
            totals = new Totals();
        }
        prometheus = PrometheusText.render(totals);
        // Built here, drained on a thread of its own (DrainerService): the reader changes hands once.
        reader.handOff();
    }

    /** Aggregates every event available now (checkpointing on the way and at the end); returns how many. */
    public long drainAvailable() {
        return drain(Long.MAX_VALUE);
    }

    /** Aggregates at most {@code maxEvents} available events, then checkpoints; returns how many. */
    public long drain(long maxEvents) {
        long count = 0;
        while (count < maxEvents && reader.next(view, onEvent)) {
            lastIndex = reader.index();
            count++;
            if (++sinceCheckpoint >= checkpointEvery) {
                checkpoint();
            }
        }
        if (sinceCheckpoint > 0) {
            checkpoint();
        }
        return count;
    }

    /** One event, read in place in the queue's memory. */
    private void aggregate() {
        totals.add(view);
        if (otlp != null) {
            view.decode(event);
            otlp.record(event);
        }
    }

    /** Drains until {@link #stop()}; for a thread of its own. */
    public void run() {
        while (running) {
            if (drainAvailable() == 0) {
                LockSupport.parkNanos(IDLE_PARK_NANOS);
            }
        }
    }

    public void stop() {
        running = false;
    }

    /**
     * Deletes queue files once drained and older than {@code millis} (0: as soon as drained;
     * negative: never), checked at most once a minute.
     */
    public void retainFor(long millis) {
        this.retainMillis = millis;
    }

    private void applyRetention() {
        long now = System.currentTimeMillis();
        if (retainMillis < 0 || now - lastRetentionMillis < 60_000) {
            return;
        }
        lastRetentionMillis = now;
        try {
            Retention.deleteDrained(queueDir, lastIndex, retainMillis, now);
        } catch (IOException e) {
            // Old files stay until the next try; draining goes on.
        }
    }

    private void checkpoint() {
        try {
            Checkpoint.save(stateDir, lastIndex, totals);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the drainer checkpoint in " + stateDir, e);
        }
        sinceCheckpoint = 0;
        prometheus = PrometheusText.render(totals);
        if (otlp != null) {
            otlp.publish(totals.snapshot());
        }
        applyRetention();
    }

    /** The latest totals in the Prometheus text format (safe to read from any thread). */
    public String prometheus() {
        return prometheus;
    }

    /** Events aggregated in total (across restarts). Only from the draining thread. */
    public long events() {
        return totals.events();
    }

    @Override
    public void close() {
        running = false;
        reader.close();
    }
}
