package io.aegis.gateway.control;

import io.aegis.trace.TraceField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.gateway.testing.TestGateway;
import io.aegis.trace.TraceEvent;
import io.aegis.trace.TraceReader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules replaced 100 times while traffic flows: no request fails or goes missing, and each one is
 * decided by exactly one version (its trace event names the version, and carries that version's
 * tag and no other's).
 */
class RulesSwapUnderLoadTest {
    private static final int SWAPS = 100;
    private static final int CLIENTS = 6;

    @TempDir
    Path dir;

    private static String rules(int generation) {
        return "version: 1\nrules:\n  - id: mark\n    when: \"true\"\n    action: tag\n    tags: [gen-" + generation + "]\n";
    }

    @Test
    void everyRequestIsDecidedByExactlyOneVersion() throws Exception {
        Path queue = dir.resolve("trace");
        try (TestGateway gateway = TestGateway.builder().rules(rules(0))
                .topExtra("trace: { queue_dir: \"" + queue + "\" }").control().start()) {
            ControlClient client = new ControlClient(gateway);
            Map<Long, String> tagOfVersion = new ConcurrentHashMap<>();
            tagOfVersion.put(1L, "gen-0");
            AtomicBoolean swapping = new AtomicBoolean(true);
            AtomicLong sent = new AtomicLong();
            AtomicInteger failed = new AtomicInteger();
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                Thread t = new Thread(() -> {
                    ControlClient mine = new ControlClient(gateway);
                    while (swapping.get()) {
                        try {
                            HttpResponse<String> response = mine.message(TestGateway.ACME_KEY, "claude-haiku-4-5");
                            sent.incrementAndGet();
                            if (response.statusCode() != 200) {
                                failed.incrementAndGet();
                                failures.add(response.statusCode() + " " + response.body());
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                            failures.add(e.toString());
                        }
                    }
                });
                t.start();
                clients.add(t);
            }
            long start = System.nanoTime();
            for (int generation = 1; generation <= SWAPS; generation++) {
                HttpResponse<String> put = client.admin("PUT", "/v1/rules?name=mark.yaml", rules(generation));
                assertEquals(200, put.statusCode(), put.body());
                tagOfVersion.put(ControlClient.json(put).get("version").asLong(), "gen-" + generation);
            }
            // Traffic keeps going a little after the last swap, so the last version also decides some.
            long afterLast = sent.get();
            while (sent.get() < afterLast + 50) {
                Thread.onSpinWait();
            }
            swapping.set(false);
            for (Thread t : clients) {
                t.join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(0, failed.get(), "failed requests: " + failures.stream().limit(5).toList());
            assertTrue(sent.get() / seconds > 100, "steady load: " + sent.get() + " requests in " + seconds + " s");
            assertTrue(gateway.runtime().trace().sync(10_000));

            long events = 0;
            java.util.Set<Long> versionsSeen = new java.util.HashSet<>();
            try (TraceReader reader = new TraceReader(queue)) {
                TraceEvent event = new TraceEvent();
                while (reader.next(event)) {
                    events++;
                    String expected = tagOfVersion.get(event.get(TraceField.CONFIG_VERSION));
                    assertTrue(expected != null, "decided by a version that was put in force: " + event.get(TraceField.CONFIG_VERSION));
                    assertEquals(1, event.tagSize(), "one version's tag, not a mix");
                    assertEquals(expected, event.tag(0).toString(), "version " + event.get(TraceField.CONFIG_VERSION) + "'s own rules");
                    versionsSeen.add(event.get(TraceField.CONFIG_VERSION));
                }
            }
            System.out.printf("rules swapped %d times under %,.0f requests/s: %d requests, %d versions decided%n", SWAPS,
                    sent.get() / seconds, sent.get(), versionsSeen.size());
            assertEquals(sent.get(), events, "one trace event per request, none lost");
            assertTrue(versionsSeen.size() > 10, "requests spread over many versions: " + versionsSeen.size());
            assertTrue(versionsSeen.contains((long) SWAPS + 1), "the last version decides after the last swap");
        }
    }
}
