package io.aegis.gateway.pii;

import io.aegis.gateway.error.ErrorClass;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aegis.wire.KeyDigest;
import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PII through the proxy under a tenant policy: redacted, blocked, or forwarded byte for byte. */
class PiiGatewayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACME = "x-api-key: " + TestGateway.ACME_KEY + "\r\nx-mock-echo: prompt\r\n";
    private static final String BETA = "x-api-key: " + TestGateway.BETA_KEY + "\r\nx-mock-echo: prompt\r\n";
    @RegisterExtension
    static final TestGateway.PerClass gateway = new TestGateway.PerClass(TestGateway.builder()
                .acmePiiPolicy("{EMAIL: redact, PHONE: redact, CREDIT_CARD: block, API_KEY: block}"));

    private static String anthropic(String content) {
        return "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\""
                + content + "\"}]}";
    }

    private static RawHttp.Response send(String path, String headers, String body) throws IOException {
        try (RawHttp http = new RawHttp(gateway.port())) {
            return http.send(RawHttp.post(path, headers, body)).read();
        }
    }

    private static String echoed(RawHttp.Response response) throws IOException {
        JsonNode body = JSON.readTree(response.body());
        if (body.has("content")) {
            return body.path("content").get(0).path("text").asText();
        }
        return body.path("candidates").get(0).path("content").path("parts").get(0).path("text").asText();
    }

    @Test
    void contactDataIsRedactedBeforeItReachesTheUpstream() throws IOException {
        RawHttp.Response response = send("/v1/messages", ACME,
                anthropic("mail jane@example.com, again jane@example.com, or bob@example.org; call 415-555-0132"));
        assertEquals(200, response.status(), response.body());
        String upstreamSaw = echoed(response);
        assertEquals("mail [EMAIL_1], again [EMAIL_1], or [EMAIL_2]; call ********0132", upstreamSaw,
                "placeholders are consistent within a request; phones are masked to their last four");
        TestGateway.Completed done = gateway.nextCompleted();
        assertEquals(4, done.piiFindings());
        assertTrue(done.redacted());
    }

    @Test
    void escapedValuesInTheJsonAreFoundAndTheBodyStaysValid() throws IOException {
        // "jane\u0040example.com" is jane@example.com written with a JSON escape.
        RawHttp.Response response = send("/v1/messages", ACME, anthropic("write to jane\\u0040example.com\\nthanks"));
        assertEquals(200, response.status(), "the mock parsed the rewritten body: " + response.body());
        assertEquals("write to [EMAIL_1]\nthanks", echoed(response));
        gateway.nextCompleted();
    }

    @Test
    void geminiPartsAreRedactedToo() throws IOException {
        RawHttp.Response response = send("/v1beta/models/gemini-2.5-flash:generateContent",
                "x-goog-api-key: " + TestGateway.ACME_KEY + "\r\nx-mock-echo: prompt\r\n",
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"I am ana@example.com\"}]}]}");
        assertEquals(200, response.status());
        assertEquals("I am [EMAIL_1]", echoed(response));
        gateway.nextCompleted();
    }

    @Test
    void aBlockedTypeIsRefusedInTheProvidersShapeWithoutTheValue() throws IOException {
        RawHttp.Response response = send("/v1/messages", ACME, anthropic("my card is 4111 1111 1111 1111"));
        assertEquals(403, response.status());
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertEquals("permission_error", error.path("type").asText());
        assertTrue(error.path("message").asText().contains("CREDIT_CARD"), response.body());
        assertFalse(response.body().contains("4111"), "the value never appears in an error: " + response.body());
        TestGateway.Completed done = gateway.nextCompleted();
        assertEquals(ErrorClass.PII_BLOCKED, done.errorClass());
        assertEquals(0, done.attempts(), "nothing went upstream");

        RawHttp.Response gemini = send("/v1beta/models/gemini-2.5-flash:generateContent",
                "x-goog-api-key: " + TestGateway.ACME_KEY + "\r\n",
                "{\"contents\":[{\"parts\":[{\"text\":\"key AKIAIOSFODNN7EXAMPLE\"}]}]}");
        assertEquals(403, gemini.status());
        assertEquals("PERMISSION_DENIED", JSON.readTree(gemini.body()).path("error").path("status").asText());
        gateway.nextCompleted();
    }

    @Test
    void aPromptWithoutPiiIsForwardedByteIdentical() throws Exception {
        String body = anthropic("Summarise the design of a gateway in three bullet points, caf\\u00e9 \\u2603.");
        RawHttp.Response response = send("/v1/messages", ACME, body);
        assertEquals(200, response.status());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        assertEquals(KeyDigest.hex(sha.digest(body.getBytes(StandardCharsets.UTF_8))),
                response.header("x-mock-received-body-sha256"));
        TestGateway.Completed done = gateway.nextCompleted();
        assertEquals(0, done.piiFindings());
        assertFalse(done.redacted());
    }

    @Test
    void aTenantWithoutAPolicyIsTaggedOnly() throws Exception {
        String body = anthropic("mail jane@example.com");
        RawHttp.Response response = send("/v1/messages", BETA, body);
        assertEquals(200, response.status());
        assertEquals("mail jane@example.com", echoed(response));
        TestGateway.Completed done = gateway.nextCompleted();
        assertEquals(1, done.piiFindings(), "recorded by type and count");
        assertFalse(done.redacted());
    }
}
