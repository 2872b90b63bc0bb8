package io.aegis.bench;

import io.aegis.trace.TraceField;
import io.aegis.trace.TraceEvent;
import io.aegis.trace.TraceWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Appending one request's trace event, against raw Chronicle appending the same number of bytes
 * (one document, one byte array copied in) in the same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true"})
public class TraceAppendBenchmark {
    private Path dir;
    private TraceWriter writer;
    private final TraceEvent event = new TraceEvent();
    private ChronicleQueue rawQueue;
    private ExcerptAppender rawAppender;
    private byte[] rawBytes;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("aegis-trace-bench");
        writer = new TraceWriter(dir.resolve("events"));
        event.set(TraceField.TIMESTAMP, System.currentTimeMillis() * 1_000_000L);
        event.set(TraceField.TRACE_ID, "4bf92f3577b34da6a3ce929d0e0e4736");
        event.set(TraceField.SPAN_ID, "00f067aa0ba902b7");
        event.set(TraceField.TENANT, "acme");
        event.set(TraceField.KEY_ID, "6decf9e7ca2d");
        event.set(TraceField.MODEL, "claude-sonnet-4-5");
        event.set(TraceField.PATH, "/v1/messages");
        event.set(TraceField.UPSTREAM, "https://api.anthropic.com");
        event.set(TraceField.STATUS, 200);
        event.set(TraceField.INPUT_TOKENS, 1200);
        event.set(TraceField.OUTPUT_TOKENS, 300);
        event.set(TraceField.COST_NANOS, 8_100_000);
        event.set(TraceField.ATTEMPTS, 1);
        event.set(TraceField.TOTAL_NANOS, 900_000_000);
        event.set(TraceField.OVERHEAD_NANOS, 40_000);
        event.set(TraceField.TTFB_NANOS, 400_000_000);
        event.addPii("EMAIL", 1);
        event.addTag("personal-data");
        rawQueue = ChronicleQueue.singleBuilder(dir.resolve("raw").toFile()).rollCycle(RollCycles.FAST_HOURLY).build();
        rawAppender = rawQueue.createAppender();
        rawBytes = new byte[200]; // about the size of the event above
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        writer.close();
        // Appends hand events to a ring a writer thread empties; a full ring drops instead of blocking.
        System.out.println("trace writer: " + writer.written() + " events written, " + writer.dropped() + " dropped");
        rawAppender.close();
        rawQueue.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * Outside the measured call: keep the ring from filling, so every measured append is a real
     * one (a saturating loop outruns the writer thread and would measure fast refusals instead).
     */
    @Setup(Level.Invocation)
    public void keepRingRoom() {
        if (writer.pendingBytes() > 4 * 1024 * 1024) {
            writer.sync(10_000);
        }
    }

    @Benchmark
    public boolean appendTraceEvent() {
        return writer.append(event);
    }

    @Benchmark
    public long rawChronicleAppend() {
        try (DocumentContext document = rawAppender.writingDocument()) {
            document.wire().bytes().write(rawBytes);
        }
        return rawBytes.length;
    }
}
