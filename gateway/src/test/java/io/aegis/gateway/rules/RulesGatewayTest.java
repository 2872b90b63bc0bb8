package io.aegis.gateway.rules;

import io.aegis.gateway.error.ErrorClass;
import io.aegis.trace.Outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each rule action through the proxy, as callers and the upstream see it. */
class RulesGatewayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACME = "x-api-key: " + TestGateway.ACME_KEY + "\r\nx-mock-echo: prompt\r\n";
    private static final String BETA = "x-api-key: " + TestGateway.BETA_KEY + "\r\nx-mock-echo: prompt\r\n";
    private static final String ACME_GEMINI = "x-goog-api-key: " + TestGateway.ACME_KEY + "\r\nx-mock-echo: prompt\r\n";

    @RegisterExtension
    static final TestGateway.PerClass gateway = new TestGateway.PerClass(TestGateway.builder().rules(String.join("\n",
            "version: 1",
            "rules:",
            "  - id: watch-beta",
            "    mode: shadow",
            "    when: tenant == \"beta\"",
            "    action: deny",
            "  - id: no-keys",
            "    when: pii.has(\"API_KEY\")",
            "    action: deny",
            "    status: 451",
            "    message: \"Credentials may not leave the company\"",
            "  - id: no-huge-prompts",
            "    when: tokens.input > 2000",
            "    action: deny",
            "    status: 413",
            "    message: \"Prompt too large for policy\"",
            "  - id: no-ten-dollar-requests",
            "    when: cost.estimate_usd > 10.0 && budget.remaining_fraction > 0.5",
            "    action: deny",
            "    message: \"Estimated cost too high\"",
            "  - id: redact-email-for-acme",
            "    when: tenant == \"acme\" && pii.has(\"EMAIL\")",
            "    action: redact",
            "    types: [EMAIL]",
            "  - id: opus-to-sonnet",
            "    when: model.startsWith(\"claude-opus\")",
            "    action: route",
            "    model: claude-sonnet-4-5",
            "  - id: flash-for-pro",
            "    when: provider == \"gemini\" && model == \"gemini-2.5-pro\"",
            "    action: route",
            "    model: gemini-2.5-flash",
            "  - id: tag-red-team",
            "    when: header[\"x-team\"] == \"red\"",
            "    action: tag",
            "    tags: [red-team]",
            "  - id: bulk",
            "    when: '\"x-batch\" in header'",
            "    action: limit",
            "    class: bulk",
            "")));

    private static String anthropic(String model, String content) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"" + content
                + "\"}]}";
    }

    private static RawHttp.Response send(String path, String headers, String body) throws IOException {
        try (RawHttp http = new RawHttp(gateway.port())) {
            return http.send(RawHttp.post(path, headers, body)).read();
        }
    }

    private static String echoed(JsonNode body) {
        if (body.has("content")) {
            return body.path("content").get(0).path("text").asText();
        }
        return body.path("candidates").get(0).path("content").path("parts").get(0).path("text").asText();
    }

    @Test
    void aDenyAnswersWithTheRulesStatusAndMessageInTheProvidersShape() throws IOException {
        RawHttp.Response response = send("/v1/messages", ACME,
                anthropic("claude-sonnet-4-5", "use AKIAIOSFODNN7EXAMPLE for the bucket"));
        assertEquals(451, response.status(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("error", body.path("type").asText());
        assertEquals("permission_error", body.path("error").path("type").asText());
        assertEquals("Credentials may not leave the company", body.path("error").path("message").asText());
        assertFalse(response.body().contains("AKIA"), "the value never appears in the answer");
        TestGateway.Completed done = gateway.nextCompleted();
        assertEquals("no-keys", done.decidingRule());
        assertEquals(Outcome.REJECTED, done.outcome());
        assertEquals(ErrorClass.RULE_DENIED, done.errorClass());
        assertEquals(0, done.attempts(), "nothing was sent upstream");
    }

    @Test
    void costEstimatesAndBudgetFractionsAreRuleAttributes() throws IOException {
        // Opus 4.1 output is 75 USD a million tokens: a 200,000-token cap alone is estimated at 15 USD.
        String expensive = "{\"model\":\"claude-opus-4-1\",\"max_tokens\":200000,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}";
        RawHttp.Response response = send("/v1/messages", ACME, expensive);
        assertEquals(403, response.status(), response.body());
        assertEquals("no-ten-dollar-requests", gateway.nextCompleted().decidingRule());
        RawHttp.Response cheap = send("/v1/messages", ACME, anthropic("claude-opus-4-1", "hi"));
        assertEquals(200, cheap.status(), "64 output tokens of Opus are far below 10 USD: " + cheap.body());
        gateway.nextCompleted();
    }

    @Test
    void aGeminiDenyUsesGeminisErrorShape() throws IOException {
        RawHttp.Response response = send("/v1beta/models/gemini-2.5-flash:generateContent", ACME_GEMINI,
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + "word ".repeat(2000) + "\"}]}]}");
        assertEquals(413, response.status(), response.body());
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertEquals(413, error.path("code").asInt());
        assertEquals("Prompt too large for policy", error.path("message").asText());
        assertEquals("INVALID_ARGUMENT", error.path("status").asText());
        assertEquals("no-huge-prompts", gateway.nextCompleted().decidingRule());
    }

    @Test
    void aRedactRuleRewritesTheChosenTypesForItsTenantOnly() throws IOException {
        String prompt = "mail jane@example.com or call 415-555-0132";
        RawHttp.Response acme = send("/v1/messages", ACME, anthropic("claude-sonnet-4-5", prompt));
        assertEquals(200, acme.status(), acme.body());
        assertEquals("mail [EMAIL_1] or call 415-555-0132", echoed(JSON.readTree(acme.body())),
                "EMAIL is redacted; PHONE was not named by the rule");
        TestGateway.Completed acmeDone = gateway.nextCompleted();
        assertTrue(acmeDone.redacted());
        assertEquals(List.of("redact-email-for-acme"), acmeDone.ruleActions());

        RawHttp.Response beta = send("/v1/messages", BETA, anthropic("claude-sonnet-4-5", prompt));
        assertEquals(200, beta.status(), "beta's shadow deny changes nothing: " + beta.body());
        assertEquals(prompt, echoed(JSON.readTree(beta.body())));
        TestGateway.Completed betaDone = gateway.nextCompleted();
        assertFalse(betaDone.redacted());
        assertEquals(List.of("watch-beta"), betaDone.shadowRules(), "the shadow hit is recorded");
        assertNull(betaDone.decidingRule());
    }

    @Test
    void aRouteRuleChangesTheModelInTheBodyOrThePath() throws IOException {
        RawHttp.Response anthropic = send("/v1/messages", ACME,
                anthropic("claude-opus-4-1", "write to jane@example.com"));
        assertEquals(200, anthropic.status(), anthropic.body());
        JsonNode body = JSON.readTree(anthropic.body());
        assertEquals("claude-sonnet-4-5", body.path("model").asText(), "the upstream was asked for the routed model");
        assertEquals("write to [EMAIL_1]", echoed(body), "routing and redaction together keep the JSON valid");
        TestGateway.Completed done = gateway.nextCompleted();
        assertEquals("claude-sonnet-4-5", done.routedModel());
        assertEquals("claude-opus-4-1", done.model(), "the trace keeps the model asked for");

        RawHttp.Response gemini = send("/v1beta/models/gemini-2.5-pro:generateContent", ACME_GEMINI,
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}");
        assertEquals(200, gemini.status(), gemini.body());
        assertEquals("/v1beta/models/gemini-2.5-flash:generateContent", gemini.header("x-mock-received-path"));
        assertEquals("gemini-2.5-flash", gateway.nextCompleted().routedModel());
    }

    @Test
    void tagAndLimitRulesAccumulateForLaterStages() throws IOException {
        RawHttp.Response response = send("/v1/messages", ACME + "x-team: red\r\nx-batch: 1\r\n",
                anthropic("claude-sonnet-4-5", "hello"));
        assertEquals(200, response.status(), response.body());
        assertEquals(List.of("tag-red-team", "bulk"), gateway.nextCompleted().ruleActions());
    }

    @Test
    void aRequestNoRuleMatchesIsForwardedUntouched() throws IOException {
        String body = anthropic("claude-sonnet-4-5", "just a question");
        RawHttp.Response response = send("/v1/messages", ACME, body);
        assertEquals(200, response.status());
        assertEquals(sha256(body), response.header("x-mock-received-body-sha256"));
        TestGateway.Completed done = gateway.nextCompleted();
        assertNull(done.decidingRule());
        assertEquals(List.of(), done.ruleActions());
        assertEquals(List.of(), done.shadowRules());
    }

    private static String sha256(String text) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
