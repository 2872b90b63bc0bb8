package io.aegis.trace;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * Appends trace events to the Chronicle Queue under {@code trace.queue_dir} without ever making an
 * event loop wait for the disk: each event is encoded on the calling thread into that thread's
 * buffer and copied into an off-heap many-to-one ring; one writer thread moves events from the
 * ring into the queue (one document each, hourly roll). If the disk stalls long enough for the
 * ring to fill, new events are counted as dropped instead of stalling the proxy. No allocation
 * per event. {@link #close()} writes out what is in the ring before it closes the queue.
 */
public final class TraceWriter implements AutoCloseable {
    /** Room for tens of thousands of events while the disk catches up. */
    private static final int RING_BYTES = 16 * 1024 * 1024;
    private static final int EVENT_TYPE = 1;
    /**
     * How long the idle writer sleeps: at least 1 ms, doubling to 8 ms while nothing comes. Nobody waits
     * on a trace event, and even at a million events per second an 8 ms nap fills a fraction of the ring;
     * a shorter nap costs a core-share in timer wake-ups (about 15% of a core at 100 µs on the
     * benchmark VM), which the event loops on a 2-core machine then lack.
     */
    private static final long MIN_IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(8);
    /** How often {@link #sync} looks at the ring. */
    private static final long SYNC_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    private final ChronicleQueue queue;
    private final ManyToOneRingBuffer ring;
    private final ThreadLocal<Encoder> encoders = ThreadLocal.withInitial(Encoder::new);
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean running = true;

    /** Runs on the writer thread before each document goes to the queue (a test stalls the disk here). */
    private final Runnable beforeDocument;

    public TraceWriter(Path queueDir) {
        this(queueDir, null);
    }

    /** The same with a clock of its own (tests write into past hours). */
    TraceWriter(Path queueDir, net.openhft.chronicle.core.time.TimeProvider clock) {
        this(queueDir, clock, RING_BYTES, () -> { });
    }

    /** The same with a ring of {@code ringBytes} (a power of two) and a hook before each document. */
    TraceWriter(Path queueDir, net.openhft.chronicle.core.time.TimeProvider clock, int ringBytes, Runnable beforeDocument) {
        this.beforeDocument = beforeDocument;
        var builder = ChronicleQueue.singleBuilder(queueDir.toFile()).rollCycle(RollCycles.FAST_HOURLY);
        if (clock != null) {
            builder.timeProvider(clock);
        }
        this.queue = builder.build();
        this.ring = new ManyToOneRingBuffer(new UnsafeBuffer(
                ByteBuffer.allocateDirect(ringBytes + RingBufferDescriptor.TRAILER_LENGTH)));
        this.writer = new Thread(this::writeLoop, "aegis-trace-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** One calling thread's encoding buffer and its view for the ring. */
    private static final class Encoder {
        final EventBytes bytes = new EventBytes();
        final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    }

    /** Hands one event to the writer; false (and a drop counted) when the ring is full. */
    public boolean append(TraceEvent event) {
        Encoder encoder = encoders.get();
        TraceEventCodec.write(encoder.bytes.reset(), event);
        return offer(encoder);
    }

    /**
     * Hands one configuration change to the writer, like a request event (same ring, same queue).
     * Audit events are rare; {@link #sync} after it when the caller must know it is on disk.
     */
    public boolean appendAudit(AuditEvent event) {
        Encoder encoder = encoders.get();
        TraceEventCodec.writeAudit(encoder.bytes.reset(), event);
        return offer(encoder);
    }

    /** Copies what {@code encoder} holds into the ring; a full ring counts a drop. */
    private boolean offer(Encoder encoder) {
        EventBytes encoded = encoder.bytes;
        if (encoder.view.byteArray() != encoded.buffer) {
            encoder.view.wrap(encoded.buffer);
        }
        if (!ring.write(EVENT_TYPE, encoder.view, 0, encoded.position)) {
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    private void writeLoop() {
        try (ExcerptAppender appender = queue.createAppender()) {
            byte[][] scratch = {new byte[4096]};
            MessageHandler toQueue = (type, buffer, index, length) -> {
                if (scratch[0].length < length) {
                    scratch[0] = new byte[Math.max(length, scratch[0].length * 2)];
                }
                buffer.getBytes(index, scratch[0], 0, length);
                beforeDocument.run();
                try (DocumentContext document = appender.writingDocument()) {
                    document.wire().bytes().write(scratch[0], 0, length);
                } catch (RuntimeException e) {
                    dropped.incrementAndGet();
                    return;
                }
                written.incrementAndGet();
            };
            IdleStrategy idle = new BackoffIdleStrategy(0, 0, MIN_IDLE_PARK_NANOS, MAX_IDLE_PARK_NANOS);
            while (true) {
                int moved = ring.read(toQueue, 256);
                if (moved == 0 && !running) {
                    return; // stopped, and the ring is empty
                }
                idle.idle(moved);
            }
        }
    }

    /** Waits (bounded) until every event appended so far is in the queue; false on timeout. */
    public boolean sync(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (ring.size() > 0 || ring.consumerPosition() != ring.producerPosition()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(SYNC_POLL_NANOS);
        }
        return true;
    }

    /** Bytes of events waiting in the ring for the writer thread. */
    public int pendingBytes() {
        return ring.size();
    }

    /** Events in the queue. */
    public long written() {
        return written.get();
    }

    /** Events that could not be kept: the ring was full (a stalled disk), or the queue refused them. */
    public long dropped() {
        return dropped.get();
    }

    public Path directory() {
        return queue.file().toPath();
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(writer); // rather than wait out its nap
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.close();
    }
}
