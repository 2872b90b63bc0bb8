package io.aegis.gateway.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aegis.cost.SpendWindow;
import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Budgets and rate limits through the proxy: never overspent, refused in the provider's shape, kept across restarts. */
class BudgetGatewayTest {
    private static final String ACME = "x-api-key: " + TestGateway.ACME_KEY + "\r\nx-mock-output-tokens: 20\r\n";
    /** 40 characters of text: 10 mock tokens. */
    private static final String BODY = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"" + "abc ".repeat(10) + "\"}]}";
    /** What each request settles to: 10 input tokens at 3000 + 20 output at 15000 nano-dollars. */
    private static final long EACH = 10 * 3000 + 20 * 15000;

    @TempDir
    Path dir;

    private static RawHttp.Response send(int port) throws Exception {
        try (RawHttp http = new RawHttp(port)) {
            return http.send(RawHttp.post("/v1/messages", ACME, BODY)).read();
        }
    }

    private static Path countersFile(TestGateway gateway) {
        return gateway.runtime().dataDir().resolve("counters.dat");
    }

    private static SpendWindow today(TestGateway gateway) {
        return gateway.runtime().costs().tenant("acme").budget().today(System.currentTimeMillis());
    }

    @Test
    void twoHundredParallelRequestsNeverSettlePastTheBudget() throws Exception {
        // $0.02 a day = 20,000,000 nano-dollars: room for about 60 settled requests, and for only a
        // few worst cases at a time (each holds the body's bytes at 6000 plus 100 output at 15000).
        try (TestGateway gateway = TestGateway.builder().acmeExtra("budget: { usd_per_day: 0.02 }").start();
             var ignored = new Closing(Executors.newFixedThreadPool(40))) {
            ExecutorService pool = ignored.pool;
            CountDownLatch start = new CountDownLatch(1);
            List<Future<RawHttp.Response>> responses = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                responses.add(pool.submit(() -> {
                    start.await();
                    return send(gateway.port());
                }));
            }
            start.countDown();
            int ok = 0;
            int refused = 0;
            for (Future<RawHttp.Response> future : responses) {
                RawHttp.Response response = future.get(60, TimeUnit.SECONDS);
                if (response.status() == 200) {
                    ok++;
                } else {
                    assertEquals(429, response.status(), response.body());
                    assertNotNull(response.header("retry-after"), "a refusal says when to come back");
                    assertTrue(Long.parseLong(response.header("retry-after")) > 0);
                    assertEquals("rate_limit_error", new ObjectMapper().readTree(response.body()).path("error")
                            .path("type").asText(), response.body());
                    refused++;
                }
            }
            for (int i = 0; i < 200; i++) {
                gateway.nextCompleted(); // every exchange has finished, so every reservation has settled
            }
            SpendWindow today = today(gateway);
            assertTrue(ok > 0 && refused > 0, ok + " admitted, " + refused + " refused");
            assertEquals(ok * EACH, today.settledNanos(), "each admitted request billed exactly once");
            assertTrue(today.settledNanos() <= 20_000_000, "settled " + today.settledNanos());
            assertEquals(today.settledNanos(), today.committedNanos(), "no reservation left behind");
            // The same figures, as another process reads them from the counters file.
            var counted = io.aegis.cost.CostCounters.read(countersFile(gateway)).get("acme");
            assertEquals(200L, counted.get(io.aegis.cost.CostCounters.Metric.REQUESTS));
            assertEquals((long) refused, counted.get(io.aegis.cost.CostCounters.Metric.REFUSED_BUDGET));
            assertEquals(today.settledNanos(), counted.get(io.aegis.cost.CostCounters.Metric.COST_NANOS));
        }
    }

    @Test
    void spendSurvivesARestart() throws Exception {
        Path data = dir.resolve("data");
        long before;
        int admitted = 0;
        // $0.005 a day: a few requests fit, then the budget refuses.
        TestGateway.Builder builder = TestGateway.builder().dataDir(data).acmeExtra("budget: { usd_per_day: 0.005 }");
        try (TestGateway first = builder.start()) {
            while (send(first.port()).status() == 200) {
                admitted++;
                first.nextCompleted();
                assertTrue(admitted < 100, "the budget must refuse at some point");
            }
            first.nextCompleted();
            before = today(first).settledNanos();
        }
        assertEquals(admitted * EACH, before);
        assertTrue(Files.exists(data.resolve("spend.json")));
        try (TestGateway second = builder.start()) {
            assertEquals(before, today(second).settledNanos(), "the restarted gateway remembers today's spend");
            assertEquals(429, send(second.port()).status(), "a restart is not a budget reset");
        }
    }

    @Test
    void requestsPerMinuteAreEnforcedWithAnHonestRetryAfter() throws Exception {
        try (TestGateway gateway = TestGateway.builder()
                .acmeExtra("limits: { requests_per_minute: 3, tokens_per_minute: 100000 }").start()) {
            for (int i = 0; i < 3; i++) {
                RawHttp.Response ok = send(gateway.port());
                assertEquals(200, ok.status());
                assertEquals("3", ok.header("x-aegis-ratelimit-requests-limit"));
                assertEquals(String.valueOf(2 - i), ok.header("x-aegis-ratelimit-requests-remaining"),
                        "what is left, told on every answer");
                assertEquals("100000", ok.header("x-aegis-ratelimit-tokens-limit"));
            }
            RawHttp.Response refused = send(gateway.port());
            assertEquals(429, refused.status());
            long retryAfter = Long.parseLong(refused.header("retry-after"));
            assertTrue(retryAfter >= 1 && retryAfter <= 20, "one third of a minute at most: " + retryAfter);
        }
    }

    @Test
    void aRuleLimitClassHasItsOwnAllowancePerTenant() throws Exception {
        try (TestGateway gateway = TestGateway.builder()
                .topExtra("limit_classes: { bulk: { requests_per_minute: 2 } }")
                .rules("version: 1\nrules:\n  - id: batch\n    when: '\"x-batch\" in header'\n    action: limit\n"
                        + "    class: bulk\n")
                .start()) {
            String batch = ACME + "x-batch: nightly\r\n";
            for (int i = 0; i < 2; i++) {
                try (RawHttp http = new RawHttp(gateway.port())) {
                    assertEquals(200, http.send(RawHttp.post("/v1/messages", batch, BODY)).read().status());
                }
            }
            RawHttp.Response refused;
            try (RawHttp http = new RawHttp(gateway.port())) {
                refused = http.send(RawHttp.post("/v1/messages", batch, BODY)).read();
            }
            assertEquals(429, refused.status());
            assertTrue(refused.body().contains("limit class bulk"), refused.body());
            assertEquals(200, send(gateway.port()).status(), "requests outside the class are not held back");
        }
    }

    @Test
    void budgetsPerModelAndPerKeyHoldOnlyTheirOwnRequests() throws Exception {
        String keyId = io.aegis.wire.KeyDigest.keyId(
                io.aegis.wire.KeyDigest.current().sha256(TestGateway.ACME_KEY).clone());
        // Opus 4.1 with max_tokens 20: each worst case is ~6.9M nano-dollars (body bytes at the 1-hour
        // cache-write rate 30,000, plus 20 × 75,000); each settles to 10 × 15,000 + 20 × 75,000 = 1.65M.
        String opus = "{\"model\":\"claude-opus-4-1-20250805\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + "abc ".repeat(10) + "\"}]}";
        try (TestGateway gateway = TestGateway.builder()
                .acmeExtra("budget: { per_model: { claude-opus-4-1: { usd_per_day: 0.01 } }, per_key: { "
                        + keyId + ": { usd_per_month: 1 } } }")
                .start()) {
            long each = 10 * 15000 + 20 * 75000;
            long worstCase = opus.getBytes(java.nio.charset.StandardCharsets.UTF_8).length * 30000L + 20 * 75000;
            int admitted = 0;
            while (true) {
                RawHttp.Response response;
                try (RawHttp http = new RawHttp(gateway.port())) {
                    response = http.send(RawHttp.post("/v1/messages", ACME, opus)).read();
                }
                gateway.nextCompleted();
                if (response.status() == 429) {
                    assertTrue(response.body().contains("budget exhausted for this model"), response.body());
                    break;
                }
                assertEquals(200, response.status(), response.body());
                admitted++;
                assertTrue(admitted < 20, "the model budget must refuse");
            }
            // Admitted while settled spend plus one worst case fitted in 10M; refused as soon as it did not.
            assertTrue((admitted - 1) * each + worstCase <= 10_000_000 && admitted * each + worstCase > 10_000_000,
                    admitted + " admitted");
            assertEquals(200, send(gateway.port()).status(), "Sonnet is not held by the Opus budget");
            gateway.nextCompleted();
            var tenant = gateway.runtime().costs().tenant("acme");
            long now = System.currentTimeMillis();
            assertEquals(admitted * each, tenant.modelBudgets().get("claude-opus-4-1").today(now).settledNanos());
            assertEquals(admitted * each + EACH, tenant.keyBudgets().get(keyId).thisMonth(now).settledNanos(),
                    "the key's budget saw every request it made");
        }
    }

    /** Shuts a pool down at the end of a try block. */
    private static final class Closing implements AutoCloseable {
        final ExecutorService pool;

        Closing(ExecutorService pool) {
            this.pool = pool;
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }
}
