package io.aegis.trace;

import java.nio.file.Path;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads trace events from a queue directory, from the start or from a saved index, without
 * disturbing writers or other readers (each reader has its own tailer). Not thread-safe: one per
 * reading thread.
 */
public final class TraceReader implements AutoCloseable {
    private final ChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final EventBytes bytes = new EventBytes();
    private final org.agrona.concurrent.UnsafeBuffer mapped = new org.agrona.concurrent.UnsafeBuffer(0, 0);
    private long lastIndex = -1;

    public TraceReader(Path queueDir) {
        this.queue = ChronicleQueue.singleBuilder(queueDir.toFile()).rollCycle(RollCycles.FAST_HOURLY).readOnly(true)
                .build();
        this.tailer = queue.createTailer();
    }

    /**
     * Reads the next request event into {@code event}; false when there is none yet. Documents of
     * other kinds (audit events) and versions are skipped.
     */
    public boolean next(TraceEvent event) {
        while (true) {
            try (DocumentContext document = tailer.readingDocument()) {
                if (!document.isPresent()) {
                    return false;
                }
                if (TraceEventCodec.read(copyOut(document), event)) {
                    lastIndex = document.index();
                    return true;
                }
            }
        }
    }

    /**
     * The drainer's fast path: points {@code view} at the next request event where it lies in the
     * queue's memory (no copy, no decoding) and runs {@code onEvent}, which must not keep the view
     * past its return; false when there is no event yet. Other kinds and versions are skipped.
     */
    public boolean next(RequestEventView view, Runnable onEvent) {
        while (true) {
            try (DocumentContext document = tailer.readingDocument()) {
                if (!document.isPresent()) {
                    return false;
                }
                int length = wrap(document);
                if (view.wrap(mapped, 0, length)) {
                    lastIndex = document.index();
                    onEvent.run();
                    return true;
                }
            }
        }
    }

    /** Reads the next audit event (skipping request events); false when there is none yet. */
    public boolean nextAudit(AuditEvent event) {
        while (true) {
            try (DocumentContext document = tailer.readingDocument()) {
                if (!document.isPresent()) {
                    return false;
                }
                if (TraceEventCodec.readAudit(copyOut(document), event)) {
                    return true;
                }
            }
        }
    }

    /**
     * The document's bytes, copied into this reader's buffer for decoding: one memory copy from the
     * mapped file (Chronicle's own read copies byte by byte), or its read where there is no address.
     */
    private EventBytes copyOut(DocumentContext document) {
        int length = wrap(document);
        if (mapped.byteArray() != bytes.buffer) {
            mapped.getBytes(0, bytes.forReading(length), 0, length);
        }
        return bytes;
    }

    /**
     * Points {@link #mapped} at the document's bytes where they lie in the mapped file, or, where
     * there is no address, at a copy in this reader's buffer; returns their length.
     */
    private int wrap(DocumentContext document) {
        var in = document.wire().bytes();
        int length = (int) in.readRemaining();
        if (in.isDirectMemory()) {
            mapped.wrap(in.addressForRead(in.readPosition()), length);
        } else {
            byte[] target = bytes.forReading(length);
            in.read(target, 0, length);
            mapped.wrap(target, 0, length);
        }
        return length;
    }

    /** From now on reads from the newest document back towards the oldest (the dashboard's live tail). */
    public void newestFirst() {
        tailer.direction(net.openhft.chronicle.queue.TailerDirection.BACKWARD).toEnd();
    }

    /** The queue index of the last event read (to checkpoint), or -1 before the first. */
    public long index() {
        return lastIndex;
    }

    /** Moves to just after the document at {@code index} (a checkpoint); false when it is not in the queue. */
    public boolean resumeAfter(long index) {
        if (!tailer.moveToIndex(index)) {
            return false;
        }
        try (DocumentContext document = tailer.readingDocument()) {
            if (document.isPresent()) {
                lastIndex = index;
                return true;
            }
            return false;
        }
    }

    /**
     * Hands this reader to another thread: the next thread to read owns it. Chronicle holds a tailer to
     * the first thread that used it, so a reader set up on one thread (moved to a checkpoint) and read
     * on another must be handed over, once, between the two.
     */
    public void handOff() {
        tailer.singleThreadedCheckReset();
    }

    @Override
    public void close() {
        tailer.close();
        queue.close();
    }
}
