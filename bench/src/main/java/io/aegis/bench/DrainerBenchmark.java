package io.aegis.bench;

import io.aegis.trace.TraceField;
import io.aegis.trace.TraceEvent;
import io.aegis.trace.TraceWriter;
import io.aegis.trace.drain.Drainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Drainer throughput against a raw tailer over the same queue, in one run: writes N realistic
 * events (20 tenants, 8 models, PII on some, a rule on some), then reads them all with a bare
 * Chronicle tailer touching each document's bytes, and with the drainer aggregating everything
 * (checkpoint at the end). Alternates the two {@code rounds} times and reports the best of each
 * and their ratio. Run with {@code bench/run-drain.sh [events] [rounds]}.
 */
public final class DrainerBenchmark {
    private DrainerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path dir = Files.createTempDirectory("aegis-drain-bench");
        try {
            Path queue = dir.resolve("trace");
            write(queue, events);
            double bestRaw = 0;
            double bestDrainer = 0;
            for (int round = 0; round < rounds; round++) {
                double raw = rawTailer(queue, events);
                double drained = drainer(queue, dir.resolve("state-" + round), events);
                bestRaw = Math.max(bestRaw, raw);
                bestDrainer = Math.max(bestDrainer, drained);
                System.out.printf("round %d: raw tailer %,.0f events/s, drainer %,.0f events/s (%.2fx)%n", round + 1, raw,
                        drained, drained / raw);
            }
            System.out.printf("best: raw tailer %,.0f events/s, drainer %,.0f events/s, ratio %.2fx (%,d events)%n",
                    bestRaw, bestDrainer, bestDrainer / bestRaw, events);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void write(Path queue, int events) {
        String[] models = {"claude-sonnet-4-5", "claude-opus-4-5", "claude-haiku-4-5", "gemini-2.5-pro", "gemini-2.5-flash",
            "gemini-2.5-flash-lite", "claude-sonnet-4-6", "gemini-2.0-flash"};
        try (TraceWriter writer = new TraceWriter(queue)) {
            TraceEvent e = new TraceEvent();
            for (int i = 0; i < events; i++) {
                e.clear();
                e.set(TraceField.TIMESTAMP, i);
                e.set(TraceField.TRACE_ID, "4bf92f3577b34da6a3ce929d0e0e4736");
                e.set(TraceField.SPAN_ID, "00f067aa0ba902b7");
                e.set(TraceField.TENANT, "tenant-" + (i % 20));
                e.set(TraceField.KEY_ID, "6decf9e7ca2d");
                e.provider(i % 8 >= 3 && i % 8 <= 5 ? TraceEvent.Provider.GEMINI : TraceEvent.Provider.ANTHROPIC);
                e.set(TraceField.MODEL, models[i % models.length]);
                e.set(TraceField.PATH, "/v1/messages");
                e.set(TraceField.UPSTREAM, "https://api.anthropic.com");
                e.set(TraceField.STATUS, i % 50 == 0 ? 403 : 200);
                e.set(TraceField.DENIED, i % 50 == 0);
                e.set(TraceField.RULE, i % 50 == 0 ? "no-cards-or-keys-to-any-provider" : "");
                e.set(TraceField.INPUT_TOKENS, 1000 + i % 500);
                e.set(TraceField.OUTPUT_TOKENS, 200 + i % 100);
                e.set(TraceField.COST_NANOS, 3_000_000 + i % 1000);
                e.set(TraceField.ATTEMPTS, 1);
                e.set(TraceField.TOTAL_NANOS, 500_000_000L + (i % 1000) * 1_000_000L);
                e.set(TraceField.OVERHEAD_NANOS, 30_000 + i % 20_000);
                e.set(TraceField.TTFB_NANOS, 200_000_000);
                if (i % 7 == 0) {
                    e.addPii("EMAIL", 1);
                }
                // Faster than the writer thread can keep up: wait for room instead of dropping.
                while (!writer.append(e)) {
                    writer.sync(10_000);
                }
            }
        }
    }

    /** Events per second for a bare tailer that reads each document's bytes and decodes nothing. */
    private static double rawTailer(Path queue, int events) {
        try (ChronicleQueue q = ChronicleQueue.singleBuilder(queue.toFile()).rollCycle(RollCycles.FAST_HOURLY)
                .readOnly(true).build(); ExcerptTailer tailer = q.createTailer()) {
            long start = System.nanoTime();
            long count = 0;
            long checksum = 0;
            while (true) {
                try (DocumentContext document = tailer.readingDocument()) {
                    if (!document.isPresent()) {
                        break;
                    }
                    var bytes = document.wire().bytes();
                    checksum += bytes.readRemaining() + bytes.readByte(bytes.readPosition());
                    count++;
                }
            }
            long elapsed = System.nanoTime() - start;
            if (count != events || checksum == 0) {
                throw new IllegalStateException("raw tailer read " + count + " of " + events);
            }
            return count * 1e9 / elapsed;
        }
    }

    private static double drainer(Path queue, Path state, int events) throws IOException {
        try (Drainer drainer = new Drainer(queue, state, Integer.MAX_VALUE)) {
            long start = System.nanoTime();
            long count = drainer.drainAvailable();
            long elapsed = System.nanoTime() - start;
            if (count != events) {
                throw new IllegalStateException("drainer read " + count + " of " + events);
            }
            return count * 1e9 / elapsed;
        }
    }
}
