package io.aegis.gateway.answer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aegis.gateway.error.ErrorClass;
import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import io.aegis.trace.Outcome;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The tenant's answer policy through the proxy, with the mock echoing the prompt it received: what
 * the request's redaction put in comes back restored; what the answer holds is redacted or blocked;
 * both providers, streamed and whole; counts (never values) in the exchange's record.
 */
class AnswerPolicyGatewayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACME = "x-api-key: " + TestGateway.ACME_KEY + "\r\nx-mock-echo: prompt\r\n";
    private static final String ACME_GEMINI = "x-goog-api-key: " + TestGateway.ACME_KEY + "\r\nx-mock-echo: prompt\r\n";
    private static final String BETA = "x-api-key: " + TestGateway.BETA_KEY + "\r\nx-mock-echo: prompt\r\n";
    @RegisterExtension
    static final TestGateway.PerClass gateway = new TestGateway.PerClass(TestGateway.builder()
            .acmePiiPolicy("{EMAIL: redact, restore: true, response: {PHONE: redact, CREDIT_CARD: block}}"));

    private static String anthropic(String content, boolean stream) {
        return "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":256,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
    }

    private static String gemini(String content) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + content + "\"}]}]}";
    }

    private static RawHttp.Response send(String path, String headers, String body) throws IOException {
        try (RawHttp http = new RawHttp(gateway.port())) {
            return http.send(RawHttp.post(path, headers, body)).read();
        }
    }

    /** The text of an Anthropic event stream's deltas, every data line checked to be JSON. */
    private static String anthropicStreamText(String body) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: ")) {
                JsonNode data = JSON.readTree(line.substring(6));
                if (data.path("type").asText().equals("content_block_delta")) {
                    text.append(data.path("delta").path("text").asText());
                }
            }
        }
        return text.toString();
    }

    @Test
    void theRequestsPlaceholdersComeBackAsTheOriginalsWholeAndStreamed() throws IOException {
        RawHttp.Response whole = send("/v1/messages", ACME, anthropic("mail jane@example.com or bob@example.org", false));
        assertEquals(200, whole.status(), whole.body());
        assertEquals("mail jane@example.com or bob@example.org",
                JSON.readTree(whole.body()).path("content").path(0).path("text").asText());
        assertEquals(Integer.toString(whole.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length),
                whole.header("content-length"), "the length of the rewritten body");
        TestGateway.Completed done = gateway.nextCompleted();
        assertTrue(done.redacted(), "the upstream saw placeholders");
        assertEquals(2, done.restored());

        RawHttp.Response streamed = send("/v1/messages", ACME, anthropic("mail jane@example.com or bob@example.org", true));
        assertEquals(200, streamed.status());
        assertEquals("mail jane@example.com or bob@example.org", anthropicStreamText(streamed.body()));
        assertTrue(streamed.body().contains("event: message_stop"), "the stream ends as it came");
        assertEquals(2, gateway.nextCompleted().restored());
    }

    @Test
    void valuesInTheAnswerAreRedactedAndCounted() throws IOException {
        long phonesBefore = gateway.runtime().metrics().piiFindings().get("PHONE")[1];
        RawHttp.Response streamed = send("/v1/messages", ACME, anthropic("call 415-555-0132 about it", true));
        assertEquals(200, streamed.status());
        assertEquals("call ********0132 about it", anthropicStreamText(streamed.body()));
        assertFalse(streamed.body().contains("415-555"), "the value never goes out");
        TestGateway.Completed done = gateway.nextCompleted();
        assertEquals(Map.of("PHONE", 1), done.answerPii());
        assertEquals(Outcome.COMPLETED, done.outcome());
        assertEquals(phonesBefore + 1, gateway.runtime().metrics().piiFindings().get("PHONE")[1],
                "the live metrics (and the dashboard) count findings in answers apart");
    }

    @Test
    void aBlockedTypeInAStreamedAnswerEndsItInStreamBeforeTheValue() throws IOException {
        RawHttp.Response streamed = send("/v1/messages", ACME, anthropic("card 4111 1111 1111 1111 on file", true));
        assertEquals(200, streamed.status(), "the head went out before the answer held anything");
        assertFalse(streamed.body().contains("4111"), streamed.body());
        assertTrue(streamed.body().contains("event: error"), streamed.body());
        assertTrue(streamed.body().contains("permission_error") && streamed.body().contains("CREDIT_CARD"));
        assertFalse(streamed.complete(), "no final chunk: the caller cannot take it for a whole answer");
        TestGateway.Completed done = gateway.nextCompleted();
        assertEquals(ErrorClass.PII_BLOCKED_RESPONSE, done.errorClass());
        assertEquals(Outcome.REJECTED, done.outcome());
        assertEquals("CREDIT_CARD", done.blockedInAnswer());

        RawHttp.Response whole = send("/v1/messages", ACME, anthropic("card 4111 1111 1111 1111 on file", false));
        assertEquals(403, whole.status());
        assertFalse(whole.body().contains("4111"));
        assertEquals("permission_error", JSON.readTree(whole.body()).path("error").path("type").asText());
        assertEquals(ErrorClass.PII_BLOCKED_RESPONSE, gateway.nextCompleted().errorClass());
    }

    @Test
    void geminiEventStreamsArraysAndWholeBodiesAreRestoredAndRedacted() throws IOException {
        String prompt = "write jane@example.com, or call 415-555-0132";
        String expected = "write jane@example.com, or call ********0132";
        RawHttp.Response sse = send("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", ACME_GEMINI,
                gemini(prompt));
        assertEquals(200, sse.status());
        java.util.List<JsonNode> chunks = new java.util.ArrayList<>();
        for (String line : sse.body().split("\r\n")) {
            if (line.startsWith("data: ")) {
                chunks.add(JSON.readTree(line.substring(6)));
            }
        }
        assertEquals(expected, AnswerRewriterTest.geminiText(chunks));
        assertTrue(chunks.get(chunks.size() - 1).has("usageMetadata"), "usage stays in the last chunk");
        assertEquals(Map.of("PHONE", 1), gateway.nextCompleted().answerPii());

        RawHttp.Response array = send("/v1beta/models/gemini-2.5-flash:streamGenerateContent", ACME_GEMINI,
                gemini(prompt));
        assertEquals(200, array.status());
        assertEquals(expected, AnswerRewriterTest.geminiText(JSON.readTree(array.body())));
        gateway.nextCompleted();

        RawHttp.Response whole = send("/v1beta/models/gemini-2.5-flash:generateContent", ACME_GEMINI, gemini(prompt));
        assertEquals(200, whole.status());
        assertEquals(expected, AnswerRewriterTest.geminiText(java.util.List.of(JSON.readTree(whole.body()))));
        assertEquals(1, gateway.nextCompleted().restored());
    }

    @Test
    void aTenantWithoutAnAnswerPolicyGetsTheAnswerAsItCame() throws IOException {
        RawHttp.Response response = send("/v1/messages", BETA, anthropic("mail jane@example.com, call 415-555-0132", true));
        assertEquals("mail jane@example.com, call 415-555-0132", anthropicStreamText(response.body()));
        TestGateway.Completed done = gateway.nextCompleted();
        assertEquals(Map.of(), done.answerPii());
    }
}
