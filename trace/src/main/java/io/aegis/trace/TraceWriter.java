package io.aegis.trace;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Appends trace events to the Chronicle Queue under {@code trace.queue_dir}: one appender per
 * writing thread (each event loop has its own, so no appender is shared), one document per event,
 * no allocation per event. The queue rolls every hour. An append that fails is counted and the
 * event dropped; the proxy is never failed because of its trace.
 */
public final class TraceWriter implements AutoCloseable {
    private final ChronicleQueue queue;
    private final ThreadLocal<ThreadWriter> writers;
    private final List<ExcerptAppender> opened = new CopyOnWriteArrayList<>();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    public TraceWriter(Path queueDir) {
        this(queueDir, null);
    }

    /** The same with a clock of its own (tests write into past hours). */
    TraceWriter(Path queueDir, net.openhft.chronicle.core.time.TimeProvider clock) {
        var builder = ChronicleQueue.singleBuilder(queueDir.toFile()).rollCycle(RollCycles.FAST_HOURLY);
        if (clock != null) {
            builder.timeProvider(clock);
        }
        this.queue = builder.build();
        this.writers = ThreadLocal.withInitial(() -> {
            ExcerptAppender appender = queue.createAppender();
            opened.add(appender);
            return new ThreadWriter(appender, new EventBytes());
        });
    }

    /** Appends one event; returns false (and counts a drop) when the queue could not take it. */
    public boolean append(TraceEvent event) {
        ThreadWriter mine = writers.get();
        // Encoded in plain Java first, then copied into the queue in one call.
        EventBytes encoded = mine.bytes.reset();
        TraceEventCodec.write(encoded, event);
        try (DocumentContext document = mine.appender.writingDocument()) {
            document.wire().bytes().write(encoded.buffer, 0, encoded.position);
        } catch (RuntimeException e) {
            dropped.incrementAndGet();
            return false;
        }
        written.incrementAndGet();
        return true;
    }

    /** One thread's appender and encoding buffer. */
    private record ThreadWriter(ExcerptAppender appender, EventBytes bytes) {
    }

    public long written() {
        return written.get();
    }

    /** Events that could not be appended (a full or failing disk). */
    public long dropped() {
        return dropped.get();
    }

    public Path directory() {
        return queue.file().toPath();
    }

    @Override
    public void close() {
        for (ExcerptAppender appender : opened) {
            appender.close();
        }
        queue.close();
    }
}
