package io.aegis.cli;

import io.aegis.trace.TraceField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aegis.gateway.testing.TestGateway;
import io.aegis.trace.TraceEvent;
import io.aegis.trace.TraceWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aegis tail}: lines, JSON, a CEL filter, and following a live queue. */
class TailCommandTest {
    @TempDir
    Path dir;

    private static TraceEvent event(TraceEvent e, String tenant, int status, int emails) {
        e.clear();
        e.set(TraceField.TIMESTAMP, 1_795_000_000_000_000_000L);
        e.set(TraceField.TRACE_ID, "4bf92f3577b34da6a3ce929d0e0e4736");
        e.set(TraceField.SPAN_ID, "00f067aa0ba902b7");
        e.set(TraceField.TENANT, tenant);
        e.set(TraceField.MODEL, "claude-sonnet-4-5");
        e.set(TraceField.PATH, "/v1/messages");
        e.set(TraceField.STATUS, status);
        e.set(TraceField.INPUT_TOKENS, 10);
        e.set(TraceField.OUTPUT_TOKENS, 20);
        e.set(TraceField.COST_NANOS, 330_000);
        e.set(TraceField.TOTAL_NANOS, 5_000_000);
        e.addPii("EMAIL", emails);
        return e;
    }

    private static String run(Path queue, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> all = new java.util.ArrayList<>(List.of("--queue", queue.toString()));
        all.addAll(List.of(args));
        assertEquals(0, TailCommand.run(all, TestGateway.projectRoot(), new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err, () -> false));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void linesJsonAndWhere() throws Exception {
        Path queue = dir.resolve("trace");
        try (TraceWriter writer = new TraceWriter(queue)) {
            TraceEvent e = new TraceEvent();
            writer.append(event(e, "acme", 200, 1));
            writer.append(event(e, "beta", 502, 0));
            writer.append(event(e, "acme", 429, 0));
        }
        String lines = run(queue);
        assertEquals(3, lines.lines().count(), lines);
        assertTrue(lines.lines().findFirst().orElseThrow().startsWith(
                "2026-11-18T11:06:40Z acme claude-sonnet-4-5 200 in=10 out=20 $0.000330 5.000ms allow"), lines);
        String json = run(queue, "--json", "--where", "status >= 400 && tenant == \"acme\"");
        assertEquals(1, json.lines().count(), json);
        assertEquals(429, new ObjectMapper().readTree(json).path("status").asInt());
        assertEquals(1, run(queue, "--where", "\"EMAIL\" in pii && pii[\"EMAIL\"] > 0").lines().count());
        assertEquals(3, run(queue, "--where", "cost_usd > 0.0003").lines().count());
    }

    @Test
    void followPrintsEventsAsTheyArrive() throws Exception {
        Path queue = dir.resolve("live");
        try (TraceWriter writer = new TraceWriter(queue)) {
            TraceEvent e = new TraceEvent();
            writer.append(event(e, "acme", 200, 0));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            AtomicBoolean stop = new AtomicBoolean();
            Thread tail = new Thread(() -> TailCommand.run(List.of("--queue", queue.toString(), "--follow"),
                    TestGateway.projectRoot(), new PrintStream(out, true, StandardCharsets.UTF_8), System.err, stop::get));
            tail.start();
            awaitLines(out, 1);
            writer.append(event(e, "beta", 200, 0));
            writer.append(event(e, "gamma", 200, 0));
            awaitLines(out, 3);
            stop.set(true);
            tail.join(TimeUnit.SECONDS.toMillis(10));
            String text = out.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains(" beta ") && text.contains(" gamma "), text);
        }
    }

    private static void awaitLines(ByteArrayOutputStream out, int lines) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (out.toString(StandardCharsets.UTF_8).lines().count() < lines) {
            assertTrue(System.nanoTime() < deadline, "tail did not print " + lines + " lines: " + out);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
