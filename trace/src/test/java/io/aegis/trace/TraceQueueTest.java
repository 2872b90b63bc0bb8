package io.aegis.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events written by several threads come back whole, in a readable order, and render as the JSON of trace/README.md. */
class TraceQueueTest {
    @TempDir
    Path dir;

    static TraceEvent sample(TraceEvent e, int i) {
        e.clear();
        e.set(TraceField.TIMESTAMP, 1_795_000_000_123_456_789L + i);
        e.set(TraceField.TRACE_ID, "4bf92f3577b34da6a3ce929d0e0e4736");
        e.set(TraceField.SPAN_ID, "00f067aa0ba902b7");
        e.set(TraceField.TENANT, "acme");
        e.set(TraceField.KEY_ID, "1a2b3c4d");
        e.provider(TraceEvent.Provider.GEMINI);
        e.set(TraceField.MODEL, "gemini-2.5-pro");
        e.set(TraceField.ROUTED_MODEL, "gemini-2.5-flash");
        e.set(TraceField.PATH, "/v1beta/models/gemini-2.5-flash:generateContent");
        e.set(TraceField.STREAM, true);
        e.set(TraceField.STATUS, 200);
        e.set(TraceField.RULE, "");
        e.set(TraceField.INPUT_TOKENS, 100 + i);
        e.set(TraceField.OUTPUT_TOKENS, 20);
        e.set(TraceField.CACHE_READ_TOKENS, 1000);
        e.set(TraceField.COST_NANOS, 330_000);
        e.set(TraceField.ATTEMPTS, 1);
        e.set(TraceField.UPSTREAM, "http://127.0.0.1:8089");
        e.set(TraceField.TOTAL_NANOS, 12_345_000);
        e.set(TraceField.OVERHEAD_NANOS, 45_000);
        e.set(TraceField.TTFB_NANOS, 2_000_000);
        e.addPii("EMAIL", 2);
        e.addTag("personal-data");
        e.addShadowRule("trial-deny-long-outputs");
        e.set(TraceField.CONFIG_VERSION, 7);
        e.set(TraceField.RETRIES, i % 3);
        e.set(TraceField.HEDGE, (byte) (i % 3));
        e.set(TraceField.CIRCUIT, (byte) ((i / 3) % 3));
        e.set(TraceField.ATTEMPT_LOG, i % 3 == 0 ? "t0/0a1b2c3d4e5f:200" : "t0/0a1b2c3d4e5f:529 ht1/caller:200");
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
                int i = (int) (read.get(TraceField.TIMESTAMP) - 1_795_000_000_123_456_789L);
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
        // Every shown field by its JSON name, in the layout's order (TraceField).
        assertEquals("{\"ts\":\"2026-11-18T11:06:40.123456789Z\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
                + "\"span_id\":\"00f067aa0ba902b7\",\"tenant\":\"acme\",\"key_id\":\"1a2b3c4d\",\"provider\":\"gemini\","
                + "\"model\":\"gemini-2.5-pro\",\"routed_model\":\"gemini-2.5-flash\","
                + "\"path\":\"/v1beta/models/gemini-2.5-flash:generateContent\",\"stream\":true,\"status\":200,"
                + "\"decision\":\"allow\",\"rule\":null,\"outcome\":\"completed\",\"error\":null,"
                + "\"input_tokens\":100,\"output_tokens\":20,"
                + "\"cache_read_tokens\":1000,\"cache_write_tokens\":0,\"cost_usd\":0.000330000,\"priced\":true,"
                + "\"attempts\":1,\"upstream\":\"http://127.0.0.1:8089\",\"t_total_us\":12345,\"t_overhead_us\":45,"
                + "\"t_ttfb_us\":2000,\"pii\":{\"EMAIL\":2},\"tags\":[\"personal-data\"],"
                + "\"shadow\":[\"trial-deny-long-outputs\"],\"config_version\":7,"
                + "\"retries\":0,\"hedge\":\"none\",\"circuit\":\"closed\",\"attempt_log\":\"t0/0a1b2c3d4e5f:200\",\"pii_response\":{},\"api\":null}",
                json.toString());
    }
}
