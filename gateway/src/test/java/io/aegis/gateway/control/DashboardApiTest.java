package io.aegis.gateway.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.aegis.gateway.testing.TestGateway;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's data through a running gateway: requests, refusals by the gateway and 429s from
 * the provider counted per tenant and model, latency by the second, spend, upstream state, and the
 * live tail's CEL filter over the trace queue.
 */
class DashboardApiTest {
    @TempDir
    Path dir;

    @Test
    void whatTheGatewayDidShowsUpInTheDashboardsData() throws Exception {
        String topExtra = "trace: { queue_dir: \"" + dir.resolve("trace") + "\" }";
        try (TestGateway gateway = TestGateway.builder().dataDir(dir.resolve("data")).topExtra(topExtra)
                .acmeExtra("budget: { usd_per_day: 5 }\nlimits: { requests_per_minute: 4 }").control().start()) {
            ControlClient client = new ControlClient(gateway);
            assertEquals(200, client.message(TestGateway.ACME_KEY, "claude-sonnet-4-5").statusCode());
            assertEquals(200, client.message(TestGateway.ACME_KEY, "claude-sonnet-4-5").statusCode());
            // The provider answers 429 once; the gateway retries and the caller gets its answer.
            assertEquals(200, client.message(TestGateway.ACME_KEY, "claude-haiku-4-5-fault-429x1").statusCode());
            // A streamed answer: its first token is timed where its first content event passes.
            HttpResponse<String> streamed = client.http().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(gateway.baseUrl() + "/v1/messages"))
                    .header("x-api-key", TestGateway.ACME_KEY).header("content-type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-sonnet-4-5\","
                            + "\"max_tokens\":16,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(streamed.body().contains("content_block_delta"), streamed.body());
            HttpResponse<String> refused = client.message(TestGateway.ACME_KEY, "claude-sonnet-4-5");
            assertEquals(429, refused.statusCode(), "the gateway's own per-minute limit");

            // An exchange is counted as it completes, just after its last byte went out: the counts are
            // read once every request is in them.
            JsonNode board = boardOnce(client, b -> b.path("refusals").path("gateway_rate_limit").asInt() == 1
                    && b.path("traffic").size() == 2 && b.path("traffic").get(0).path("requests").asInt()
                    + b.path("traffic").get(1).path("requests").asInt() == 5 && latencyCount(b) == 5);
            JsonNode sonnet = series(board, "acme", "claude-sonnet-4-5");
            assertEquals("anthropic", sonnet.path("provider").asText());
            assertEquals(4, sonnet.path("requests").asInt(), board.toString());
            assertEquals(1, sonnet.path("errors").asInt());
            assertEquals(1, sonnet.path("rate_limited").asInt());
            assertEquals(0, sonnet.path("provider_429").asInt());
            assertTrue(sonnet.path("output_tokens").asLong() > 0, "the answers' output tokens, for tokens per second");
            JsonNode haiku = series(board, "acme", "claude-haiku-4-5-fault-429x1");
            assertEquals(1, haiku.path("requests").asInt());
            assertEquals(0, haiku.path("errors").asInt());
            assertEquals(1, haiku.path("provider_429").asInt(), "the provider's 429, told apart from the gateway's");
            assertEquals(1, board.path("refusals").path("gateway_rate_limit").asInt());
            assertEquals(0, board.path("refusals").path("gateway_budget").asInt());

            // Latency by the second: every request in exactly one second's percentiles.
            assertEquals(5, latencyCount(board), board.path("latency").toString());
            JsonNode stream = null;
            for (JsonNode second : board.path("latency")) {
                if (second.path("count").asInt() > 0) {
                    assertTrue(second.path("total_p99_us").asLong() >= second.path("total_p50_us").asLong());
                    assertTrue(second.path("first_byte_p50_us").asLong() > 0);
                    assertTrue(second.path("overhead_p50_us").isNumber());
                }
                if (second.path("first_token_p50_us").isNumber()) {
                    stream = second;
                }
            }
            assertTrue(stream != null, "the stream's first token was timed: " + board.path("latency"));
            long firstToken = stream.path("first_token_p50_us").asLong();
            assertTrue(firstToken > 0 && stream.path("first_token_p99_us").asLong() == firstToken
                    && firstToken <= stream.path("total_p99_us").asLong(), "one stream, one first token: " + stream);

            JsonNode acmeSpend = null;
            for (JsonNode row : board.path("spend")) {
                if (row.path("tenant").asText().equals("acme")) {
                    acmeSpend = row;
                }
            }
            assertTrue(acmeSpend != null, board.path("spend").toString());
            assertEquals(5, acmeSpend.path("day").path("limit_usd").asInt());
            assertTrue(acmeSpend.path("day").path("settled_usd").decimalValue().signum() > 0);
            assertEquals(0, acmeSpend.path("day").path("reserved_usd").decimalValue().signum(), "nothing in flight");
            assertEquals(4, acmeSpend.path("requests_per_minute").path("limit").asInt());

            JsonNode upstream = board.path("upstreams").get(0);
            assertEquals("closed", upstream.path("circuit").asText(), board.path("upstreams").toString());
            assertTrue(board.path("pii").has("EMAIL"), board.path("pii").toString());
            assertEquals(0, board.path("pii_response").path("EMAIL").asInt(), "no answer was scanned");
            assertTrue(board.path("fleet").isMissingNode(), "no fleet configured");
            assertFalse(board.toString().contains(TestGateway.ACME_KEY), "no caller key in the dashboard");

            // The live tail: the newest events through a CEL filter, as aegis tail --where reads them.
            JsonNode limited = eventsWhere(client, "status == 429 && tenant == \"acme\"", 1);
            assertEquals(1, limited.size());
            assertEquals("rate_limited", limited.get(0).path("error").asText(), limited.toString());
            JsonNode served = eventsWhere(client, "status == 200", 4);
            assertEquals(4, served.size());
            assertEquals(true, served.get(0).path("stream").asBoolean(), "newest first: " + served.get(0));
            assertEquals("claude-haiku-4-5-fault-429x1", served.get(1).path("model").asText(), "newest first");
            HttpResponse<String> bad = client.admin("GET", "/v1/events?where=" + encode("status >"), null);
            assertEquals(400, bad.statusCode());
            assertTrue(bad.body().contains("where"), bad.body());
        }
    }

    /** Requests in the latency history's seconds, together. */
    private static long latencyCount(JsonNode board) {
        long count = 0;
        for (JsonNode second : board.path("latency")) {
            count += second.path("count").asLong();
        }
        return count;
    }

    /** The dashboard's data once {@code ready} holds (or as it is after ten seconds). */
    private static JsonNode boardOnce(ControlClient client, java.util.function.Predicate<JsonNode> ready)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            JsonNode board = ControlClient.json(client.admin("GET", "/v1/dashboard", null));
            if (ready.test(board) || System.nanoTime() > deadline) {
                return board;
            }
            Thread.sleep(10);
        }
    }

    private static JsonNode series(JsonNode board, String tenant, String model) {
        for (JsonNode row : board.path("traffic")) {
            if (row.path("tenant").asText().equals(tenant) && row.path("model").asText().equals(model)) {
                return row;
            }
        }
        throw new AssertionError("no series for " + tenant + " " + model + " in " + board.path("traffic"));
    }

    /** The trace writer appends off the event loop: waits until {@code expected} events match. */
    private static JsonNode eventsWhere(ControlClient client, String where, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            HttpResponse<String> response = client.admin("GET", "/v1/events?limit=10&where=" + encode(where), null);
            assertEquals(200, response.statusCode(), response.body());
            JsonNode events = ControlClient.json(response).path("events");
            if (events.size() >= expected || System.nanoTime() > deadline) {
                return events;
            }
            Thread.sleep(20);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
