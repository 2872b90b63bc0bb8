package io.aegis.gateway.upstream;

import io.aegis.trace.TraceField;
import io.aegis.gateway.error.ErrorClass;
import io.aegis.trace.Outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.mock.MockOptions;
import io.aegis.mock.MockUpstream;
import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import io.aegis.natives.NetworkTransports;
import io.aegis.trace.TraceEvent;
import io.aegis.trace.TraceReader;
import java.net.InetSocketAddress;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resilience fault suite over real sockets: each fault injected by the mock upstream, and what
 * the caller sees and what the gateway recorded about its attempts (exchange, trace event and
 * metrics). When each move happens (waits, hedge delays, half-open after {@code open_ms}) is
 * {@code AttemptSchedulerTest}'s, on a manual clock, not asserted here against a wall clock.
 */
class ResilienceFaultSuiteTest {
    private static final String ACME = "x-api-key: " + TestGateway.ACME_KEY + "\r\n";
    private static final String ACME_GOOG = "x-goog-api-key: " + TestGateway.ACME_KEY + "\r\n";
    private static final AtomicInteger UNIQUE = new AtomicInteger();
    private static final String KEY_ID = "[0-9a-f]{12}";

    @TempDir
    Path dir;

    /** A model name of its own, so that a {@code NAMExN} fault counts only this test's requests. */
    private static String model() {
        return "claude-haiku-4-5-case" + UNIQUE.incrementAndGet();
    }

    private static String message(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":64," + (stream ? "\"stream\":true," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"tell me a long story\"}]}";
    }

    @Test
    void a429IsRetriedAfterTheWaitItAskedForThenSucceeds() throws IOException {
        try (TestGateway gateway = TestGateway.start(); RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send(RawHttp.post("/v1/messages",
                    ACME + "x-mock-fault: 429x1\r\nx-mock-retry-after-ms: 400\r\n", message(model(), false))).read();
            assertEquals(200, response.status(), response.body());
            TestGateway.Completed done = gateway.nextCompleted();
            assertEquals(2, done.attempts());
            assertEquals(1, done.retries());
            assertTrue(done.attemptLog().matches("t0/" + KEY_ID + ":429 t0/" + KEY_ID + ":200"), done.attemptLog());
        }
    }

    @Test
    void geminisRetryInfoInTheBodyIsHonoured() throws IOException {
        try (TestGateway gateway = TestGateway.start(); RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send(RawHttp.post(
                    "/v1beta/models/gemini-2.5-flash-case" + UNIQUE.incrementAndGet() + ":generateContent",
                    ACME_GOOG + "x-mock-fault: 429x1\r\nx-mock-retry-after-ms: 1000\r\n",
                    "{\"contents\":[{\"parts\":[{\"text\":\"hello\"}]}]}")).read();
            assertEquals(200, response.status(), response.body());
            TestGateway.Completed done = gateway.nextCompleted();
            assertEquals(2, done.attempts());
        }
    }

    @Test
    void aFlaky529SucceedsWithinTheAttempts() throws IOException {
        try (TestGateway gateway = TestGateway.builder().providerExtra("retries: { initial_backoff_ms: 20 }").start();
             RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send(RawHttp.post("/v1/messages", ACME + "x-mock-fault: 529x2\r\n",
                    message(model(), true))).read();
            assertEquals(200, response.status());
            assertTrue(response.body().contains("event: message_stop"), "the third attempt's stream, whole");
            assertFalse(response.body().contains("overloaded_error"), "nothing of the failed attempts reached the caller");
            TestGateway.Completed done = gateway.nextCompleted();
            assertEquals(3, done.attempts());
            assertEquals(2, done.retries());
            assertTrue(done.attemptLog().matches("(t0/" + KEY_ID + ":529 ){2}t0/" + KEY_ID + ":200"), done.attemptLog());
            assertTrue(done.outputTokens() > 0, "usage read from the winning attempt");
        }
    }

    @Test
    void a529OutlastingTheAttemptsReachesTheCallerAsItCame() throws IOException {
        try (TestGateway gateway = TestGateway.builder().providerExtra("retries: { initial_backoff_ms: 10 }").start();
             RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send(RawHttp.post("/v1/messages", ACME + "x-mock-fault: 529\r\n",
                    message(model(), false))).read();
            assertEquals(529, response.status());
            assertTrue(response.body().contains("\"overloaded_error\""), response.body());
            TestGateway.Completed done = gateway.nextCompleted();
            assertEquals(3, done.attempts(), "max_attempts 3");
            assertEquals(ErrorClass.UPSTREAM_RETRIES_EXHAUSTED, done.errorClass());
        }
    }

    @Test
    void aSpentRetryBudgetPassesTheFailureOnWithoutRetrying() throws IOException {
        try (TestGateway gateway = TestGateway.builder()
                .providerExtra("retries: { budget_ratio: 0, min_retries_per_second: 0 }").start();
             RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send(RawHttp.post("/v1/messages", ACME + "x-mock-fault: 529x1\r\n",
                    message(model(), false))).read();
            assertEquals(529, response.status());
            TestGateway.Completed done = gateway.nextCompleted();
            assertEquals(1, done.attempts());
            assertEquals(ErrorClass.UPSTREAM_RETRY_BUDGET_EXHAUSTED, done.errorClass());
        }
    }

    @Test
    void aHardDownUpstreamOpensTheCircuitAndFailsFast() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (TestGateway gateway = TestGateway.builder().anthropicBaseUrl("http://127.0.0.1:" + port)
                .providerExtra("retries: { max_attempts: 1 }\n"
                        + "circuit: { failure_ratio: 0.5, min_requests: 4, open_ms: 2000, half_open_probes: 1 }")
                .control().start();
             RawHttp http = new RawHttp(gateway.port())) {
            for (int i = 0; i < 4; i++) {
                RawHttp.Response refused = http.send(RawHttp.post("/v1/messages", ACME, message(model(), false))).read();
                assertEquals(502, refused.status());
                assertEquals(ErrorClass.UPSTREAM_REFUSED, gateway.nextCompleted().errorClass());
            }
            RawHttp.Response fast = http.send(RawHttp.post("/v1/messages", ACME, message(model(), false))).read();
            assertEquals(503, fast.status(), "the circuit is open: no connection is tried");
            assertTrue(fast.body().contains("\"overloaded_error\""), fast.body());
            TestGateway.Completed open = gateway.nextCompleted();
            assertEquals(ErrorClass.UPSTREAM_CIRCUIT_OPEN, open.errorClass());
            assertEquals(0, open.attempts());
            assertEquals("open", open.circuit());
            String whileOpen = metrics(gateway);
            assertTrue(whileOpen.contains("aegis_upstream_circuit_state{provider=\"anthropic\",target=\"0\","
                    + "upstream=\"http://127.0.0.1:" + port + "\"} 2"), "open, in metrics");
            assertTrue(whileOpen.contains("aegis_upstream_attempts_total{provider=\"anthropic\"} 4\n"), whileOpen);
            assertTrue(whileOpen.contains("aegis_upstream_circuit_refusals_total{provider=\"anthropic\"} 1\n"), whileOpen);

            assertTrue(whileOpen.contains("aegis_upstream_circuit_opened_total{provider=\"anthropic\","
                    + "target=\"0\",upstream=\"http://127.0.0.1:" + port + "\"} 1"), whileOpen);
            // Recovery through half open after open_ms is AttemptSchedulerTest's, on a manual clock.
        }
    }

    @Test
    void aSlowFirstTokenFiresTheFirstByteTimeoutEvenAfterTheHead() throws IOException {
        try (TestGateway gateway = TestGateway.builder().providerExtra("timeouts: { first_byte_ms: 300 }").start();
             RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send(RawHttp.post("/v1/messages",
                    ACME + "x-mock-fault: slow_first_token\r\nx-mock-delay-ms: 5000\r\n", message(model(), true))).read();
            assertEquals(504, response.status(), "the upstream's 200 head was held: the caller gets a clean 504");
            assertTrue(response.body().contains("\"timeout_error\""), response.body());
            TestGateway.Completed done = gateway.nextCompleted();
            assertEquals(ErrorClass.UPSTREAM_TIMEOUT_FIRST_BYTE, done.errorClass());
            assertEquals(1, done.attempts(), "a first-byte timeout is not retried");
            assertTrue(done.attemptLog().matches("t0/" + KEY_ID + ":first_byte_timeout"), done.attemptLog());
        }
    }

    @Test
    void aStalledStreamBecomesAnInStreamErrorAndIsNotRetried() throws IOException {
        try (TestGateway gateway = TestGateway.builder().providerExtra("timeouts: { idle_ms: 300 }").start();
             RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send(RawHttp.post("/v1/messages", ACME + "x-mock-fault: stall\r\n",
                    message(model(), true))).read();
            assertEquals(200, response.status());
            assertTrue(response.body().contains("event: message_start"), "the events before the stall");
            assertTrue(response.body().contains("event: error"), response.body());
            assertTrue(response.body().contains("\"timeout_error\""), response.body());
            assertFalse(response.complete());
            TestGateway.Completed done = gateway.nextCompleted();
            assertEquals(ErrorClass.UPSTREAM_TIMEOUT_IDLE, done.errorClass());
            assertEquals(1, done.attempts());
        }
    }

    @Test
    void aResetMidStreamIsNotRetriedAndTheCallerSeesAnError() throws IOException {
        try (TestGateway gateway = TestGateway.start(); RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send(RawHttp.post("/v1/messages", ACME + "x-mock-fault: reset_mid_stream\r\n",
                    message(model(), true))).read();
            assertEquals(200, response.status());
            assertTrue(response.body().contains("event: error"), response.body());
            assertFalse(response.complete());
            TestGateway.Completed done = gateway.nextCompleted();
            assertEquals(Outcome.UPSTREAM_FAILED, done.outcome());
            assertEquals(ErrorClass.UPSTREAM_RESET, done.errorClass());
            assertEquals(1, done.attempts(), "never retried once the caller has bytes");
            assertEquals(0, done.retries());
        }
    }

    @Test
    void failoverGoesToTheNextTargetWithItsOwnKeysWhenRetriesRunOut() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0)) {
            closed = probe.getLocalPort();
        }
        try (MockUpstream second = MockUpstream.start(NetworkTransports.select("auto"),
                new InetSocketAddress("127.0.0.1", 0), MockOptions.defaults(), 1);
             TestGateway gateway = TestGateway.builder().anthropicBaseUrl("http://127.0.0.1:" + closed)
                     .providerExtra("retries: { max_attempts: 2, initial_backoff_ms: 10 }\n"
                             + "failover: [ { base_url: \"" + second.baseUrl() + "\", api_keys_env: [SECOND_REGION_KEY] } ]")
                     .env("SECOND_REGION_KEY", "second-region-key").start();
             RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send(RawHttp.post("/v1/messages", ACME, message(model(), false))).read();
            assertEquals(200, response.status(), response.body());
            assertEquals("x-api-key " + TestGateway.keyId("second-region-key"), response.header("x-mock-received-auth"),
                    "the failover target's own key went with the request");
            TestGateway.Completed done = gateway.nextCompleted();
            assertEquals(second.baseUrl(), done.upstream());
            assertEquals(3, done.attempts());
            assertEquals(2, done.retries());
            assertTrue(done.attemptLog().matches("(t0/" + KEY_ID + ":upstream_refused ){2}t1/"
                    + TestGateway.keyId("second-region-key") + ":200"), done.attemptLog());
        }
    }

    @Test
    void aRateLimitedKeyRestsAndTheRetryTakesAnotherKeyAtOnce() throws IOException {
        try (TestGateway gateway = TestGateway.builder().providerKeys("api_keys_env: [POOL_KEY_1, POOL_KEY_2]")
                .env("POOL_KEY_1", "pool-key-one").env("POOL_KEY_2", "pool-key-two").start();
             RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send(RawHttp.post("/v1/messages",
                    ACME + "x-mock-fault: 429x1\r\nx-mock-retry-after-ms: 30000\r\n", message(model(), false))).read();
            assertEquals(200, response.status());
            TestGateway.Completed done = gateway.nextCompleted();
            String[] entries = done.attemptLog().split(" ");
            assertEquals(2, entries.length, done.attemptLog());
            String limitedKey = entries[0].substring(3, 15);
            String otherKey = entries[1].substring(3, 15);
            assertFalse(limitedKey.equals(otherKey), "the retry took the other key: " + done.attemptLog());
            // The limited key rests for its 30 s: the next requests all go out on the other one.
            for (int i = 0; i < 3; i++) {
                RawHttp.Response next = http.send(RawHttp.post("/v1/messages", ACME, message(model(), false))).read();
                assertEquals(200, next.status());
                assertEquals("x-api-key " + otherKey, next.header("x-mock-received-auth"));
                gateway.nextCompleted();
            }
            assertFalse(done.attemptLog().contains("pool-key"), "keys are named by id only");
        }
    }

    @Test
    void aRevokedKeyIsRetriedOnAnotherKeyThenItsCircuitOpensAndItIsPassedOver() throws Exception {
        String good = TestGateway.keyId("pool-key-good");
        String revoked = TestGateway.keyId("pool-key-revoked");
        String rejectRevoked = ACME + "x-mock-reject-key-id: " + revoked + "\r\n";
        try (TestGateway gateway = TestGateway.builder().providerKeys("api_keys_env: [POOL_KEY_GOOD, POOL_KEY_REVOKED]")
                .env("POOL_KEY_GOOD", "pool-key-good").env("POOL_KEY_REVOKED", "pool-key-revoked")
                .providerExtra("circuit: { failure_ratio: 0.5, min_requests: 2, open_ms: 60000, half_open_probes: 1 }")
                .control().start();
             RawHttp http = new RawHttp(gateway.port())) {
            int refusals = 0;
            int afterOpen = 0;
            for (int i = 0; i < 8; i++) {
                RawHttp.Response response = http.send(RawHttp.post("/v1/messages", rejectRevoked,
                        message(model(), false))).read();
                assertEquals(200, response.status(), "the refusal was the gateway's key, not the caller's: "
                        + response.body());
                assertEquals("x-api-key " + good, response.header("x-mock-received-auth"));
                TestGateway.Completed done = gateway.nextCompleted();
                if (done.attemptLog().startsWith("t0/" + revoked + ":401")) {
                    refusals++;
                    assertEquals("t0/" + revoked + ":401 t0/" + good + ":200", done.attemptLog(),
                            "retried at once on the other key");
                    assertEquals(1, done.retries());
                } else {
                    assertEquals("t0/" + good + ":200", done.attemptLog());
                    afterOpen += refusals == 2 ? 1 : 0;
                }
                assertFalse(done.attemptLog().contains("pool-key"), "keys are named by id only");
            }
            assertEquals(2, refusals, "min_requests refusals open the key's circuit; no request goes to it after");
            assertTrue(afterOpen >= 4, "requests after the circuit opened went straight to the good key");
            String metrics = metrics(gateway);
            assertTrue(keyCircuit(revoked, 2).matcher(metrics).find(), "the revoked key's circuit is open: " + metrics);
            assertTrue(keyCircuit(good, 0).matcher(metrics).find(), "the good key's is closed: " + metrics);
        }
    }

    @Test
    void aHedgeToTheFasterTargetWinsTheSlowerIsCancelledAndOneAnswerIsBilled() throws Exception {
        Path queue = dir.resolve("trace");
        try (MockUpstream slow = MockUpstream.start(NetworkTransports.select("auto"), new InetSocketAddress("127.0.0.1", 0),
                new MockOptions(3_000, 0, MockOptions.DEFAULT_RETRY_AFTER_MS, io.aegis.mock.FaultPlan.none()), 1);
             MockUpstream fast = MockUpstream.start(NetworkTransports.select("auto"), new InetSocketAddress("127.0.0.1", 0),
                     MockOptions.defaults(), 1);
             TestGateway gateway = TestGateway.builder().anthropicBaseUrl(slow.baseUrl())
                     .providerExtra("failover: [\"" + fast.baseUrl() + "\"]\n"
                             + "routes: [ { match: { model: \"claude-sonnet-*\" }, hedge: { delay_ms: 100 } } ]")
                     .topExtra("trace: { queue_dir: \"" + queue + "\" }").start();
             RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send(RawHttp.post("/v1/messages", ACME,
                    message("claude-sonnet-4-5", true))).read();
            assertEquals(200, response.status());
            assertTrue(response.complete());
            TestGateway.Completed done = gateway.nextCompleted();
            assertEquals("won", done.hedge());
            assertEquals(fast.baseUrl(), done.upstream());
            assertEquals(2, done.attempts());
            assertEquals(0, done.retries(), "a hedge is not a retry");
            assertTrue(done.attemptLog().matches("t0/" + KEY_ID + ":cancelled ht1/" + KEY_ID + ":200"), done.attemptLog());
            assertTrue(done.costNanos() > 0);
            assertEquals(1, countOccurrences(response.body(), "event: message_start"), "one answer relayed");

            java.util.regex.Matcher billed = java.util.regex.Pattern.compile("\"output_tokens\"\\s*:\\s*(\\d+)")
                    .matcher(response.body().substring(response.body().lastIndexOf("event: message_delta")));
            assertTrue(billed.find());
            assertEquals(Long.parseLong(billed.group(1)), done.outputTokens(), "billed: the relayed answer's tokens");
            assertTrue(gateway.runtime().trace().sync(10_000));
            try (TraceReader reader = new TraceReader(queue)) {
                TraceEvent event = new TraceEvent();
                assertTrue(reader.next(event));
                assertEquals(TraceEvent.HEDGE_WON, (byte) event.get(TraceField.HEDGE));
                assertEquals(2, (int) event.get(TraceField.ATTEMPTS));
                assertEquals(done.costNanos(), event.get(TraceField.COST_NANOS), "the trace bills the winner only");
                assertTrue(event.text(TraceField.ATTEMPT_LOG).toString().endsWith(":200"));
            }
        }
    }

    /** The key circuit gauge line of {@code keyId} with {@code state}. */
    private static java.util.regex.Pattern keyCircuit(String keyId, int state) {
        return java.util.regex.Pattern.compile("(?m)^aegis_upstream_key_circuit_state\\{[^}]*key_id=\"" + keyId + "\"} "
                + state + "$");
    }

    private static int countOccurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    private static String metrics(TestGateway gateway) throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(gateway.controlUrl() + "/metrics"))
                        .header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }
}
