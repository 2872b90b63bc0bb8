package io.aegis.trace.drain;

import io.aegis.trace.TraceField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.trace.TraceEvent;
import io.aegis.trace.TraceWriter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Aggregation, Prometheus text, checkpoints, and a drainer killed with SIGKILL mid-run. */
class DrainerTest {
    private static final String[] TENANTS = {"acme", "beta", "gamma"};

    @TempDir
    Path dir;

    static void write(Path queue, int from, int count) {
        try (TraceWriter writer = new TraceWriter(queue)) {
            TraceEvent e = new TraceEvent();
            for (int i = from; i < from + count; i++) {
                e.clear();
                e.set(TraceField.TIMESTAMP, i);
                e.set(TraceField.TRACE_ID, "4bf92f3577b34da6a3ce929d0e0e4736");
                e.set(TraceField.TENANT, TENANTS[i % TENANTS.length]);
                e.set(TraceField.MODEL, i % 2 == 0 ? "claude-sonnet-4-5" : "claude-haiku-4-5");
                e.set(TraceField.STATUS, i % 10 == 0 ? 403 : 200);
                e.set(TraceField.DENIED, i % 10 == 0);
                e.set(TraceField.RULE, i % 10 == 0 ? "no-cards" : "");
                e.set(TraceField.INPUT_TOKENS, 10);
                e.set(TraceField.OUTPUT_TOKENS, 20);
                e.set(TraceField.COST_NANOS, 330_000);
                e.set(TraceField.TOTAL_NANOS, 1_000_000L + i);
                e.set(TraceField.OVERHEAD_NANOS, 40_000);
                e.addPii("EMAIL", i % 3 == 0 ? 1 : 0);
                e.addCount(TraceField.PII_RESPONSE, "PHONE", i % 5 == 0 ? 2 : 0);
                // A bulk writer outruns the writer thread: wait for room rather than drop.
                while (!writer.append(e)) {
                    writer.sync(10_000);
                }
            }
        }
    }

    static long sum(String prometheus, String metric) {
        Matcher m = Pattern.compile("(?m)^" + metric + "\\{[^}]*} (\\S+)$").matcher(prometheus);
        long total = 0;
        while (m.find()) {
            total += Long.parseLong(m.group(1));
        }
        return total;
    }

    @Test
    void aggregatesCheckpointsAndResumesWithoutCountingTwice() throws Exception {
        Path queue = dir.resolve("trace");
        Path state = dir.resolve("drainer");
        write(queue, 0, 1000);
        try (Drainer drainer = new Drainer(queue, state, 128)) {
            assertEquals(1000, drainer.drainAvailable());
            String text = drainer.prometheus();
            assertEquals(1000, sum(text, "aegis_requests_total"));
            assertEquals(100, sum(text, "aegis_errors_total"));
            assertTrue(text.contains("aegis_rule_decisions_total{rule=\"no-cards\",decision=\"deny\"} 100"), text);
            assertTrue(text.contains("aegis_pii_findings_total{type=\"EMAIL\"} 334"), text);
            assertTrue(text.contains("aegis_pii_response_findings_total{type=\"PHONE\"} 400"),
                    "answers' findings apart from requests': " + text);
            assertFalse(text.contains("aegis_pii_findings_total{type=\"PHONE\"}"), text);
            assertTrue(text.contains("aegis_cost_usd_total{tenant=\"acme\",provider=\"anthropic\",model=\"claude-sonnet-4-5\"} 0.055110000"),
                    "167 of acme's sonnet requests at 330,000 nano-dollars: " + text);
            assertTrue(text.contains("gen_ai_client_operation_duration_seconds_count{tenant=\"acme\""), text);
        }
        write(queue, 1000, 500);
        try (Drainer restarted = new Drainer(queue, state, 128)) {
            assertEquals(1000, restarted.events(), "totals come back with the checkpoint");
            assertEquals(500, restarted.drainAvailable(), "only what came after the checkpoint is read");
            assertEquals(1500, sum(restarted.prometheus(), "aegis_requests_total"));
        }
    }

    @Test
    void aDrainerResumedOnOneThreadDrainsOnAnother() throws Exception {
        // As DrainerService does: built (and moved to its checkpoint) on the starting thread, then run on its own.
        Path queue = dir.resolve("trace");
        Path state = dir.resolve("drainer");
        write(queue, 0, 300);
        try (Drainer drainer = new Drainer(queue, state, 128)) {
            assertEquals(300, drainer.drainAvailable());
        }
        write(queue, 300, 200);
        try (Drainer restarted = new Drainer(queue, state, 128)) {
            java.util.concurrent.ExecutorService own = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                assertEquals(200L, own.submit(restarted::drainAvailable).get(30, java.util.concurrent.TimeUnit.SECONDS));
            } finally {
                own.shutdown();
            }
            assertEquals(500, sum(restarted.prometheus(), "aegis_requests_total"));
        }
    }

    @Test
    void aDrainerKilledMidRunLosesAndDoublesNothing() throws Exception {
        Path queue = dir.resolve("trace");
        Path state = dir.resolve("drainer");
        int total = 100_000;
        write(queue, 0, total);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SlowDrainer.class.getName(),
                queue.toString(), state.toString()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        long drainedBeforeKill;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            long seen = 0;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("drained ")) {
                    seen = Long.parseLong(line.substring(8));
                    if (seen >= 20_000) {
                        break;
                    }
                }
            }
            drainedBeforeKill = seen;
        } finally {
            child.destroyForcibly(); // SIGKILL, mid-run
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        }
        assertTrue(drainedBeforeKill >= 20_000 && drainedBeforeKill < total, "killed mid-run at " + drainedBeforeKill);
        try (Drainer restarted = new Drainer(queue, state, 10_000)) {
            long resumedFrom = restarted.events();
            assertTrue(resumedFrom >= 20_000, "the checkpoint kept the progress: " + resumedFrom);
            restarted.drainAvailable();
            assertEquals(total, restarted.events(), "every event counted exactly once");
            assertEquals(total, sum(restarted.prometheus(), "aegis_requests_total"));
        }
    }

    /** The child: drains 1,000 events at a time, checkpointing each time, and says how far it got. */
    public static final class SlowDrainer {
        public static void main(String[] args) throws Exception {
            try (Drainer drainer = new Drainer(Path.of(args[0]), Path.of(args[1]), 1000)) {
                while (drainer.drain(1000) > 0) {
                    System.out.println("drained " + drainer.events());
                    System.out.flush();
                }
                System.out.println("done");
            }
        }
    }
}
