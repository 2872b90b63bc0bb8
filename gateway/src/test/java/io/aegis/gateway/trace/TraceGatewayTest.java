package io.aegis.gateway.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import io.aegis.trace.TraceEvent;
import io.aegis.trace.TraceFormat;
import io.aegis.trace.TraceReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One trace event per request through the gateway, with every field of trace/README.md right, and no key, no
 * secret and no PII value anywhere in the queue's files.
 */
class TraceGatewayTest {
    /** Costs are exact decimals: read them as such. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final String EMAIL = "jane.doe@example.com";
    private static final String CARD = "4111 1111 1111 1111";

    private static RawHttp.Response send(TestGateway gateway, String path, String headers, String body) throws Exception {
        try (RawHttp http = new RawHttp(gateway.port())) {
            return http.send(RawHttp.post(path, headers, body)).read();
        }
    }

    @Test
    void everyRequestLeavesOneCompleteEventAndNoSecrets() throws Exception {
        List<JsonNode> events = new ArrayList<>();
        Path queueDir;
        try (TestGateway gateway = TestGateway.builder()
                .acmePiiPolicy("{EMAIL: redact}")
                .rules(String.join("\n", "version: 1", "rules:",
                        "  - id: no-cards", "    when: pii.has(\"CREDIT_CARD\")", "    action: deny",
                        "  - id: opus-to-sonnet", "    when: model == \"claude-opus-4-1\"", "    action: route",
                        "    model: claude-sonnet-4-5",
                        "  - id: tag-all", "    when: 'true && tenant == \"acme\"'", "    action: tag", "    tags: [seen]",
                        "  - id: watch", "    mode: shadow", "    when: stream", "    action: deny", ""))
                .start()) {
            String acme = "x-api-key: " + TestGateway.ACME_KEY + "\r\nx-mock-output-tokens: 20\r\n";
            // 1: a plain request with an e-mail address (redacted), 2: a card (denied by rule),
            // 3: a routed stream, 4: a Gemini request, 5: an unknown key.
            RawHttp.Response first = send(gateway, "/v1/messages", acme, anthropic("claude-sonnet-4-5", false,
                    "write to " + EMAIL + " please"));
            assertEquals(200, first.status(), first.body());
            assertEquals(403, send(gateway, "/v1/messages", acme, anthropic("claude-sonnet-4-5", false,
                    "card " + CARD)).status());
            assertEquals(200, send(gateway, "/v1/messages", acme, anthropic("claude-opus-4-1", true, "hi")).status());
            assertEquals(200, send(gateway, "/v1beta/models/gemini-2.5-flash:generateContent",
                    "x-goog-api-key: " + TestGateway.ACME_KEY + "\r\nx-mock-output-tokens: 20\r\n",
                    "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + "abc ".repeat(10) + "\"}]}]}").status());
            assertEquals(401, send(gateway, "/v1/messages", "x-api-key: not-a-key\r\n",
                    anthropic("claude-sonnet-4-5", false, "hello")).status());
            for (int i = 0; i < 5; i++) {
                gateway.nextCompleted(); // every exchange finished, so every event was appended
            }
            queueDir = gateway.runtime().trace().directory();
            assertTrue(gateway.runtime().trace().sync(10_000), "every event handed to the writer is in the queue");
            TraceEvent event = new TraceEvent();
            StringBuilder json = new StringBuilder();
            try (TraceReader reader = new TraceReader(queueDir)) {
                while (reader.next(event)) {
                    TraceFormat.json(event, json);
                    events.add(JSON.readTree(json.toString()));
                }
            }
        }
        assertEquals(5, events.size(), "one event per request: " + events);
        for (JsonNode e : events) {
            for (String field : List.of("ts", "trace_id", "span_id", "tenant", "key_id", "provider", "model", "path",
                    "stream", "status", "decision", "rule", "pii", "input_tokens", "output_tokens", "cache_read_tokens",
                    "cache_write_tokens", "cost_usd", "attempts", "upstream", "t_total_us", "t_overhead_us", "t_ttfb_us",
                    "error")) {
                assertTrue(e.has(field), field + " in " + e);
            }
            assertTrue(e.path("trace_id").asText().matches("[0-9a-f]{32}"), e.toString());
            assertTrue(e.path("span_id").asText().matches("[0-9a-f]{16}"), e.toString());
            assertTrue(e.path("t_total_us").asLong() >= e.path("t_overhead_us").asLong(), e.toString());
        }
        // Each request's event, found by what sets it apart: events from different event loops may
        // reach the queue in another order than the requests were sent.
        JsonNode plain = only(events, e -> e.path("status").asInt() == 200 && e.path("model").asText().equals("claude-sonnet-4-5"));
        assertEquals("acme", plain.path("tenant").asText());
        assertEquals("anthropic", plain.path("provider").asText());
        assertEquals("claude-sonnet-4-5", plain.path("model").asText());
        assertEquals("/v1/messages", plain.path("path").asText());
        assertEquals(200, plain.path("status").asInt());
        assertEquals("allow", plain.path("decision").asText());
        assertEquals(1, plain.path("pii").path("EMAIL").asInt());
        assertEquals(20, plain.path("output_tokens").asInt());
        assertEquals(1, plain.path("attempts").asInt());
        assertTrue(plain.path("cost_usd").decimalValue().signum() > 0);
        assertTrue(plain.path("t_ttfb_us").asLong() > 0);
        assertEquals("[\"seen\"]", plain.path("tags").toString());
        assertTrue(plain.path("error").isNull());

        JsonNode denied = only(events, e -> e.path("status").asInt() == 403);
        assertEquals(403, denied.path("status").asInt());
        assertEquals("deny", denied.path("decision").asText());
        assertEquals("no-cards", denied.path("rule").asText());
        assertEquals("rule_denied", denied.path("error").asText());
        assertEquals(1, denied.path("pii").path("CREDIT_CARD").asInt());
        assertEquals(0, denied.path("attempts").asInt());
        assertEquals(0, denied.path("cost_usd").decimalValue().signum(), "nothing went upstream, nothing billed");
        assertTrue(denied.path("t_ttfb_us").isNull());

        JsonNode routed = only(events, e -> e.path("model").asText().equals("claude-opus-4-1"));
        assertTrue(routed.path("stream").asBoolean());
        assertEquals("claude-opus-4-1", routed.path("model").asText());
        assertEquals("claude-sonnet-4-5", routed.path("routed_model").asText());
        assertEquals("[\"watch\"]", routed.path("shadow").toString());

        JsonNode gemini = only(events, e -> e.path("provider").asText().equals("gemini"));
        assertEquals("gemini", gemini.path("provider").asText());
        assertEquals("gemini-2.5-flash", gemini.path("model").asText());
        // 10 input tokens at 300 + 20 output at 2,500 nano-dollars.
        assertEquals(0, new java.math.BigDecimal("0.000053").compareTo(gemini.path("cost_usd").decimalValue()),
                gemini.path("cost_usd").toString());

        JsonNode unknownKey = only(events, e -> e.path("status").asInt() == 401);
        assertEquals(401, unknownKey.path("status").asInt());
        assertEquals("", unknownKey.path("tenant").asText());

        assertTrue(queueContains(queueDir, "claude-opus-4-1"), "the byte search finds what is there");
        for (String secret : List.of(TestGateway.ACME_KEY, "not-a-key", TestGateway.PROVIDER_KEY, EMAIL, "jane.doe",
                CARD, "4111111111111111")) {
            assertFalse(queueContains(queueDir, secret), "'" + secret + "' must not be in the queue files");
        }
    }

    private static JsonNode only(List<JsonNode> events, java.util.function.Predicate<JsonNode> which) {
        List<JsonNode> matching = events.stream().filter(which).toList();
        assertEquals(1, matching.size(), "exactly one such event in " + events);
        return matching.get(0);
    }

    private static String anthropic(String model, boolean stream, String content) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":100,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
    }

    private static boolean queueContains(Path dir, String text) throws Exception {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(file);
                outer:
                for (int i = 0; i + needle.length <= bytes.length; i++) {
                    for (int j = 0; j < needle.length; j++) {
                        if (bytes[i + j] != needle[j]) {
                            continue outer;
                        }
                    }
                    return true;
                }
            }
        }
        return false;
    }
}
