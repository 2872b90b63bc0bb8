package io.aegis.gateway.proxy;

import static io.aegis.gateway.proxy.EmbeddedGateway.anthropicAnswer;
import static io.aegis.gateway.proxy.EmbeddedGateway.anthropicMessage;
import static io.aegis.gateway.proxy.EmbeddedGateway.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.gateway.error.ErrorClass;
import io.aegis.gateway.testing.TestGateway;
import io.aegis.trace.Outcome;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attempts stage against a manual clock and upstream connections answered by hand: when a retry,
 * a hedge or a deadline happens is checked to the millisecond, with no socket and no wall clock.
 */
class AttemptSchedulerTest {
    private static final String ERROR_429 = "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}";
    private static final String PROVIDER_KEY_ID = TestGateway.keyId("provider-key");

    @TempDir
    Path dir;

    private static String anthropic(String extra) {
        return "  anthropic:\n    base_url: \"http://primary.test\"\n    api_key: \"provider-key\"\n" + extra;
    }

    @Test
    void aRetryWaitsExactlyAsLongAsTheUpstreamAsked() throws Exception {
        try (EmbeddedGateway gateway = new EmbeddedGateway(anthropic(""), dir)) {
            gateway.send(anthropicMessage());
            assertEquals(1, gateway.upstreams.count());
            assertEquals("/v1/messages", gateway.upstreams.get(0).request().uri());
            gateway.upstreams.get(0).answer(json(429, ERROR_429, "retry-after-ms", "400"));

            gateway.clock.advance(399, TimeUnit.MILLISECONDS);
            assertEquals(1, gateway.upstreams.count(), "no retry before the 400 ms the upstream asked for");
            assertEquals("", gateway.received(), "nothing has reached the caller while a retry is due");
            gateway.clock.advance(1, TimeUnit.MILLISECONDS);
            assertEquals(2, gateway.upstreams.count(), "the retry went out at 400 ms");

            gateway.upstreams.get(1).request();
            gateway.upstreams.get(1).answer(anthropicAnswer());
            assertTrue(gateway.received().startsWith("HTTP/1.1 200"), gateway.received());
            Exchange done = gateway.lastCompleted();
            assertEquals(Outcome.COMPLETED, done.outcome());
            assertEquals(2, done.attempts().count());
            assertEquals(1, done.attempts().retries());
            assertEquals("t0/" + PROVIDER_KEY_ID + ":429 t0/" + PROVIDER_KEY_ID + ":200", gateway.attemptLogs.get(0));
            assertEquals(0, gateway.clock.pendingTimers(), "a finished exchange leaves no timer behind");
        }
    }

    @Test
    void geminiRetryInfoInTheErrorBodyIsTheWait() throws Exception {
        String gemini = "  gemini:\n    base_url: \"http://gemini.test\"\n    api_key: \"provider-key\"\n";
        try (EmbeddedGateway gateway = new EmbeddedGateway(gemini, dir)) {
            gateway.send(EmbeddedGateway.post("/v1beta/models/gemini-2.5-flash:generateContent",
                    "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hello\"}]}]}"));
            gateway.upstreams.get(0).request();
            gateway.upstreams.get(0).answer(json(429, "{\"error\":{\"code\":429,\"message\":\"quota\","
                    + "\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":"
                    + "\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"1.5s\"}]}}"));
            gateway.clock.advance(1499, TimeUnit.MILLISECONDS);
            assertEquals(1, gateway.upstreams.count(), "Gemini sends no retry-after header: the body's 1.5 s counts");
            gateway.clock.advance(1, TimeUnit.MILLISECONDS);
            assertEquals(2, gateway.upstreams.count());
        }
    }

    @Test
    void aWaitPastTheTotalDeadlineIsNotSatOut() throws Exception {
        try (EmbeddedGateway gateway = new EmbeddedGateway(anthropic(
                "    timeouts: { total_ms: 2000 }\n"), dir)) {
            gateway.send(anthropicMessage());
            gateway.upstreams.get(0).request();
            gateway.upstreams.get(0).answer(json(429, ERROR_429, "retry-after", "5"));
            String received = gateway.received();
            assertTrue(received.startsWith("HTTP/1.1 429"), "the upstream's 429 is passed on at once: " + received);
            assertTrue(received.contains("retry-after: 5"), received);
            assertTrue(received.contains("slow down"), "its body as it came");
            assertEquals(ErrorClass.UPSTREAM_RETRY_PAST_DEADLINE, gateway.lastCompleted().errorClass());
            assertEquals(1, gateway.upstreams.count());
        }
    }

    @Test
    void backoffWithoutAdviceStaysWithinTheInitialBackoff() throws Exception {
        try (EmbeddedGateway gateway = new EmbeddedGateway(anthropic(
                "    retries: { max_attempts: 3, initial_backoff_ms: 200 }\n"), dir)) {
            gateway.send(anthropicMessage());
            gateway.upstreams.get(0).request();
            gateway.upstreams.get(0).answer(json(503, "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"x\"}}"));
            if (gateway.upstreams.count() == 1) {
                // Full jitter may draw a wait of 0 (then the retry is out already); otherwise it is due within 200 ms.
                long wait = gateway.clock.nanosToNextTimer();
                assertTrue(wait > 0 && wait <= TimeUnit.MILLISECONDS.toNanos(200),
                        "the first retry waits at most the initial backoff, waits " + wait + " ns");
            }
            gateway.clock.advance(200, TimeUnit.MILLISECONDS);
            assertEquals(2, gateway.upstreams.count());
        }
    }

    @Test
    void aSilentUpstreamEndsInA504AtTheFirstByteLimitAndIsNotRetried() throws Exception {
        try (EmbeddedGateway gateway = new EmbeddedGateway(anthropic(
                "    timeouts: { first_byte_ms: 3000 }\n"), dir)) {
            gateway.send(anthropicMessage());
            gateway.clock.advance(2999, TimeUnit.MILLISECONDS);
            assertEquals("", gateway.received());
            assertTrue(gateway.upstreams.get(0).open());
            gateway.clock.advance(1, TimeUnit.MILLISECONDS);
            String received = gateway.received();
            assertTrue(received.startsWith("HTTP/1.1 504"), received);
            assertTrue(received.contains("\"timeout_error\""), received);
            assertFalse(gateway.upstreams.get(0).open(), "the silent attempt's connection is closed");
            assertEquals(1, gateway.upstreams.count(), "not retried: the upstream may still be working on it");
            assertEquals(ErrorClass.UPSTREAM_TIMEOUT_FIRST_BYTE, gateway.lastCompleted().errorClass());
        }
    }

    @Test
    void aHeadAloneDoesNotBeatTheFirstByteLimit() throws Exception {
        try (EmbeddedGateway gateway = new EmbeddedGateway(anthropic(
                "    timeouts: { first_byte_ms: 1000 }\n"), dir)) {
            gateway.send(anthropicMessage());
            gateway.upstreams.get(0).answer(streamHead());
            gateway.clock.advance(1000, TimeUnit.MILLISECONDS);
            assertTrue(gateway.received().startsWith("HTTP/1.1 504"),
                    "a 200 head followed by silence is still a clean 504: " + gateway.received());
        }
    }

    @Test
    void aStreamThatStallsEndsInStreamAtTheIdleLimit() throws Exception {
        try (EmbeddedGateway gateway = new EmbeddedGateway(anthropic(
                "    timeouts: { idle_ms: 300 }\n"), dir)) {
            gateway.send(anthropicMessage());
            gateway.upstreams.get(0).answer(streamHead(), chunk("event: message_start\ndata: {\"type\":\"message_start\","
                    + "\"message\":{\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n"));
            assertTrue(gateway.received().startsWith("HTTP/1.1 200"));
            gateway.clock.advance(299, TimeUnit.MILLISECONDS);
            gateway.upstreams.get(0).answer(chunk("event: ping\ndata: {\"type\":\"ping\"}\n\n"));
            gateway.clock.advance(299, TimeUnit.MILLISECONDS);
            assertNull(gateway.lastCompleted(), "each chunk restarts the idle limit");
            gateway.clock.advance(1, TimeUnit.MILLISECONDS);
            String received = gateway.received();
            assertTrue(received.contains("event: error"), "an in-stream error event: " + received);
            assertTrue(received.contains("stalled for 300 ms"), received);
            assertFalse(received.endsWith("0\r\n\r\n"), "no final chunk: the cut stream cannot pass for complete");
            assertFalse(gateway.client.isActive(), "the caller's connection is closed");
            assertEquals(ErrorClass.UPSTREAM_TIMEOUT_IDLE, gateway.lastCompleted().errorClass());
            assertEquals(3, gateway.lastCompleted().usage().inputTokens(), "usage read before the stall is kept");
        }
    }

    @Test
    void theTotalLimitEndsAnExchangeWhateverIsPending() throws Exception {
        try (EmbeddedGateway gateway = new EmbeddedGateway(anthropic(
                "    timeouts: { first_byte_ms: 60000, total_ms: 1000 }\n"), dir)) {
            gateway.send(anthropicMessage());
            gateway.clock.advance(1000, TimeUnit.MILLISECONDS);
            assertTrue(gateway.received().startsWith("HTTP/1.1 504"), gateway.received());
            assertTrue(gateway.received().contains("total time limit of 1000 ms"), gateway.received());
            assertEquals(ErrorClass.UPSTREAM_TIMEOUT_TOTAL, gateway.lastCompleted().errorClass());
        }
    }

    @Test
    void aSlowFirstByteStartsAHedgeOnTheNextTargetAndTheFirstAnswerWins() throws Exception {
        try (EmbeddedGateway gateway = new EmbeddedGateway(anthropic(
                "    hedge: { delay_ms: 150 }\n    failover: [\"http://secondary.test\"]\n"), dir)) {
            gateway.send(anthropicMessage());
            gateway.clock.advance(149, TimeUnit.MILLISECONDS);
            assertEquals(1, gateway.upstreams.count());
            gateway.clock.advance(1, TimeUnit.MILLISECONDS);
            assertEquals(2, gateway.upstreams.count(), "the hedge went out at 150 ms");
            assertEquals("secondary.test", gateway.upstreams.get(1).endpoint().host());

            gateway.upstreams.get(1).answer(anthropicAnswer());
            assertTrue(gateway.received().startsWith("HTTP/1.1 200"));
            assertFalse(gateway.upstreams.get(0).open(), "the slower attempt is cancelled");
            Exchange done = gateway.lastCompleted();
            assertEquals("won", done.attempts().hedge());
            assertEquals("http://secondary.test", done.attempts().upstream());
            assertEquals("t0/" + PROVIDER_KEY_ID + ":cancelled ht1/" + PROVIDER_KEY_ID + ":200", gateway.attemptLogs.get(0));
        }
    }

    @Test
    void refusedConnectionsFailOverToTheNextTargetAtOnce() throws Exception {
        try (EmbeddedGateway gateway = new EmbeddedGateway(anthropic(
                "    retries: { max_attempts: 2, initial_backoff_ms: 100 }\n"
                        + "    failover: [\"http://secondary.test\"]\n"), dir)) {
            gateway.upstreams.refuseNext(2);
            gateway.send(anthropicMessage());
            // One backoff (full jitter, at most 100 ms) between the first target's two refused attempts; none
            // before the failover target.
            gateway.clock.advance(100, TimeUnit.MILLISECONDS);
            assertEquals(1, gateway.upstreams.count(), "the failover target took the third attempt");
            assertEquals("secondary.test", gateway.upstreams.get(0).endpoint().host());
            gateway.upstreams.get(0).answer(anthropicAnswer());
            assertEquals(3, gateway.lastCompleted().attempts().count());
            assertTrue(gateway.attemptLogs.get(0).matches("(t0/\\w+:upstream_refused ){2}t1/\\w+:200"),
                    gateway.attemptLogs.get(0));
        }
    }

    @Test
    void anOpenCircuitTurnsRequestsAwayUntilItsProbeSucceeds() throws Exception {
        try (EmbeddedGateway gateway = new EmbeddedGateway(anthropic(
                "    retries: { max_attempts: 1 }\n"
                        + "    circuit: { failure_ratio: 0.5, min_requests: 4, window_ms: 10000, open_ms: 5000,"
                        + " half_open_probes: 1 }\n"), dir)) {
            for (int i = 0; i < 4; i++) {
                gateway.send(anthropicMessage());
                gateway.upstreams.get(i).answer(json(500, "{\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                        + "\"message\":\"down\"}}"));
                assertEquals(500, gateway.lastCompleted().status());
            }
            gateway.send(anthropicMessage());
            assertEquals(4, gateway.upstreams.count(), "the open circuit made no attempt");
            assertEquals(503, gateway.lastCompleted().status());
            assertEquals(ErrorClass.UPSTREAM_CIRCUIT_OPEN, gateway.lastCompleted().errorClass());

            gateway.clock.advance(4999, TimeUnit.MILLISECONDS);
            gateway.send(anthropicMessage());
            assertEquals(4, gateway.upstreams.count(), "still open 1 ms before its open time ends");

            gateway.clock.advance(1, TimeUnit.MILLISECONDS);
            gateway.send(anthropicMessage());
            assertEquals(5, gateway.upstreams.count(), "half open: one probe goes through");
            gateway.upstreams.get(4).answer(anthropicAnswer());
            assertEquals("half_open", gateway.lastCompleted().attempts().circuit());
            gateway.send(anthropicMessage());
            assertEquals(6, gateway.upstreams.count(), "the probe succeeded: closed again");
            assertEquals("closed", gateway.lastCompleted().attempts().circuit());
        }
    }

    @Test
    void aKeyRateLimitedUpstreamRestsWhileAnotherKeyTakesTheRetryAtOnce() throws Exception {
        try (EmbeddedGateway gateway = new EmbeddedGateway("  anthropic:\n    base_url: \"http://primary.test\"\n"
                + "    api_keys_env: [K1, K2]\n", dir, name -> name.equals("K1") ? "key-one" : name.equals("K2") ? "key-two" : null)) {
            gateway.send(anthropicMessage());
            String first = gateway.upstreams.get(0).request().headers().get("x-api-key");
            gateway.upstreams.get(0).answer(json(429, ERROR_429, "retry-after", "30"));
            assertEquals(2, gateway.upstreams.count(), "the other key was free: no wait for the 30 s");
            String second = gateway.upstreams.get(1).request().headers().get("x-api-key");
            assertFalse(first.equals(second), "the retry took the other key");
            gateway.upstreams.get(1).answer(anthropicAnswer());
            assertEquals(200, gateway.lastCompleted().status());
        }
    }

    private static HttpResponse streamHead() {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set("content-type", "text/event-stream");
        head.headers().set("transfer-encoding", "chunked");
        return head;
    }

    private static DefaultHttpContent chunk(String text) {
        return new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }
}
