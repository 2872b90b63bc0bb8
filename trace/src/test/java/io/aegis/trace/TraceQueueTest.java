package io.aegis.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events written by several threads come back whole, in a readable order, and render as SPEC §7 JSON. */
class TraceQueueTest {
    @TempDir
    Path dir;

    static TraceEvent sample(TraceEvent e, int i) {
        e.clear();
        e.timestampNanos = 1_795_000_000_123_456_789L + i;
        TraceEvent.set(e.traceId, "4bf92f3577b34da6a3ce929d0e0e4736");
        TraceEvent.set(e.spanId, "00f067aa0ba902b7");
        TraceEvent.set(e.tenant, "acme");
        TraceEvent.set(e.keyId, "1a2b3c4d");
        e.provider = TraceEvent.Provider.GEMINI;
        TraceEvent.set(e.model, "gemini-2.5-pro");
        TraceEvent.set(e.routedModel, "gemini-2.5-flash");
        TraceEvent.set(e.path, "/v1beta/models/gemini-2.5-flash:generateContent");
        e.stream = true;
        e.status = 200;
        TraceEvent.set(e.rule, "");
        e.inputTokens = 100 + i;
        e.outputTokens = 20;
        e.cacheReadTokens = 1000;
        e.costNanos = 330_000;
        e.attempts = 1;
        TraceEvent.set(e.upstream, "http://127.0.0.1:8089");
        e.totalNanos = 12_345_000;
        e.overheadNanos = 45_000;
        e.ttfbNanos = 2_000_000;
        e.addPii("EMAIL", 2);
        e.addTag("personal-data");
        e.addShadowRule("trial-deny-long-outputs");
        e.configVersion = 7;
        e.retries = i % 3;
        e.hedge = (byte) (i % 3);
        e.circuit = (byte) ((i / 3) % 3);
        TraceEvent.set(e.attemptLog, i % 3 == 0 ? "t0/0a1b2c3d4e5f:200" : "t0/0a1b2c3d4e5f:529 ht1/caller:200");
        return e;
    }

    @Test
    void eventsFromSeveralThreadsAreReadBackWhole() throws Exception {
        Path queue = dir.resolve("trace");
        try (TraceWriter writer = new TraceWriter(queue)) {
            Thread[] threads = new Thread[3];
            for (int t = 0; t < threads.length; t++) {
                int base = t * 1000;
                threads[t] = new Thread(() -> {
                    TraceEvent event = new TraceEvent();
                    for (int i = 0; i < 500; i++) {
                        assertTrue(writer.append(sample(event, base + i)));
                    }
                });
                threads[t].start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertTrue(writer.sync(10_000), "the writer thread empties the ring");
            assertEquals(1500, writer.written());
            assertEquals(0, writer.dropped());
        }
        TraceEvent read = new TraceEvent();
        TraceEvent expected = new TraceEvent();
        boolean[] seen = new boolean[3000];
        int count = 0;
        try (TraceReader reader = new TraceReader(queue)) {
            while (reader.next(read)) {
                int i = (int) (read.timestampNanos - 1_795_000_000_123_456_789L);
                assertFalse(seen[i], "each event once");
                seen[i] = true;
                sample(expected, i);
                StringBuilder a = new StringBuilder();
                StringBuilder b = new StringBuilder();
                TraceFormat.json(read, a);
                TraceFormat.json(expected, b);
                assertEquals(b.toString(), a.toString());
                count++;
            }
        }
        assertEquals(1500, count);
    }

    @Test
    void jsonHasTheSpecsFieldNames() {
        StringBuilder json = new StringBuilder();
        TraceFormat.json(sample(new TraceEvent(), 0), json);
        assertEquals("{\"ts\":\"2026-11-18T11:06:40.123456789Z\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
                + "\"span_id\":\"00f067aa0ba902b7\",\"tenant\":\"acme\",\"key_id\":\"1a2b3c4d\",\"provider\":\"gemini\","
                + "\"model\":\"gemini-2.5-pro\",\"routed_model\":\"gemini-2.5-flash\","
                + "\"path\":\"/v1beta/models/gemini-2.5-flash:generateContent\",\"stream\":true,\"status\":200,"
                + "\"decision\":\"allow\",\"rule\":null,\"pii\":{\"EMAIL\":2},\"input_tokens\":100,\"output_tokens\":20,"
                + "\"cache_read_tokens\":1000,\"cache_write_tokens\":0,\"cost_usd\":0.000330000,\"priced\":true,"
                + "\"attempts\":1,\"upstream\":\"http://127.0.0.1:8089\",\"t_total_us\":12345,\"t_overhead_us\":45,"
                + "\"t_ttfb_us\":2000,\"outcome\":\"completed\",\"error\":null,\"tags\":[\"personal-data\"],"
                + "\"shadow\":[\"trial-deny-long-outputs\"],\"config_version\":7,"
                + "\"retries\":0,\"hedge\":\"none\",\"circuit\":\"closed\",\"attempt_log\":\"t0/0a1b2c3d4e5f:200\"}",
                json.toString());
    }
}
