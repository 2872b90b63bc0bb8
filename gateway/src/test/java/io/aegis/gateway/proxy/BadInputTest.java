package io.aegis.gateway.proxy;

import io.aegis.gateway.error.ErrorClass;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each kind of bad request gets its status and the provider's error shape for the path (the README's Wire behaviour). */
class BadInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACME = "x-api-key: " + TestGateway.ACME_KEY + "\r\n";
    private static final String ACME_GOOG = "x-goog-api-key: " + TestGateway.ACME_KEY + "\r\n";
    private static final String MESSAGE = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":16,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String GEMINI_PATH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @RegisterExtension
    static final TestGateway.PerClass gateway = new TestGateway.PerClass(TestGateway.builder().maxRequestBytes(4096).maxHeaderBytes(4096));

    private static RawHttp.Response exchange(String request) throws IOException {
        try (RawHttp http = new RawHttp(gateway.port())) {
            return http.send(request).read();
        }
    }

    /** Asserts Anthropic's shape: {"type":"error","error":{"type":T,"message":...}}. */
    private static void assertAnthropicError(RawHttp.Response response, int status, String type) throws IOException {
        assertEquals(status, response.status(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("error", body.path("type").asText(), response.body());
        assertEquals(type, body.path("error").path("type").asText(), response.body());
        assertFalse(body.path("error").path("message").asText().isEmpty());
        assertTrue(response.header("content-type").startsWith("application/json"));
    }

    /** Asserts Gemini's shape: {"error":{"code":N,"message":...,"status":S}}. */
    private static void assertGeminiError(RawHttp.Response response, int status, String grpc) throws IOException {
        assertEquals(status, response.status(), response.body());
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertEquals(status, error.path("code").asInt(), response.body());
        assertEquals(grpc, error.path("status").asText(), response.body());
        assertFalse(error.path("message").asText().isEmpty());
    }

    @Test
    void badJsonIs400InEachProvidersShape() throws IOException {
        assertAnthropicError(exchange(RawHttp.post("/v1/messages", ACME, "{\"model\": ")), 400,
                "invalid_request_error");
        assertGeminiError(exchange(RawHttp.post(GEMINI_PATH, ACME_GOOG, "{\"contents\": [")), 400,
                "INVALID_ARGUMENT");
        gateway.nextCompleted();
        gateway.nextCompleted();
    }

    @Test
    void missingModelAndNonObjectBodiesAre400() throws IOException {
        RawHttp.Response missing = exchange(RawHttp.post("/v1/messages", ACME, "{\"max_tokens\":5,\"messages\":[]}"));
        assertAnthropicError(missing, 400, "invalid_request_error");
        assertTrue(missing.body().contains("model"), missing.body());
        assertAnthropicError(exchange(RawHttp.post("/v1/messages", ACME, "[1,2]")), 400, "invalid_request_error");
        assertAnthropicError(exchange(RawHttp.post("/v1/messages", ACME,
                "{\"model\":\"a\",\"model\":\"b\",\"max_tokens\":5,\"messages\":[]}")), 400, "invalid_request_error");
        for (int i = 0; i < 3; i++) {
            assertEquals(ErrorClass.BAD_REQUEST, gateway.nextCompleted().errorClass());
        }
    }

    @Test
    void unknownOrMissingKeyIs401() throws IOException {
        assertAnthropicError(exchange(RawHttp.post("/v1/messages", "x-api-key: nope\r\n", MESSAGE)), 401,
                "authentication_error");
        assertAnthropicError(exchange(RawHttp.post("/v1/messages", "", MESSAGE)), 401, "authentication_error");
        assertGeminiError(exchange(RawHttp.post(GEMINI_PATH + "?key=nope", "", "{}")), 401, "UNAUTHENTICATED");
        for (int i = 0; i < 3; i++) {
            TestGateway.Completed done = gateway.nextCompleted();
            assertEquals(null, done.tenant());
            assertEquals(0, done.attempts(), "nothing went upstream");
        }
    }

    @Test
    void unknownPathIs404ShapedByTheLikelyProvider() throws IOException {
        assertAnthropicError(exchange(RawHttp.post("/v1/complete", ACME, "{}")), 404, "not_found_error");
        assertGeminiError(exchange(RawHttp.post("/v1beta/models/gemini-2.5-flash:predict", ACME_GOOG, "{}")), 404,
                "NOT_FOUND");
        // The /gemini prefix pins the provider: Anthropic's path under it is not found, in Gemini's shape.
        assertGeminiError(exchange(RawHttp.post("/gemini/v1/messages", ACME, MESSAGE)), 404, "NOT_FOUND");
        for (int i = 0; i < 3; i++) {
            gateway.nextCompleted();
        }
    }

    @Test
    void wrongMethodIs405WithAllow() throws IOException {
        RawHttp.Response response = exchange("GET /v1/messages HTTP/1.1\r\nHost: x\r\n" + ACME + "\r\n");
        assertAnthropicError(response, 405, "invalid_request_error");
        assertEquals("POST", response.header("allow"));
        gateway.nextCompleted();
    }

    @Test
    void declaredOversizeBodyIs413AndTheConnectionCloses() throws IOException {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send("POST /v1/messages HTTP/1.1\r\nHost: x\r\n" + ACME
                    + "content-length: 100000\r\n\r\n{").read();
            assertAnthropicError(response, 413, "request_too_large");
            assertTrue(http.closedByServer(), "the unread body is not waited for");
        }
        gateway.nextCompleted();
    }

    @Test
    void chunkedOversizeBodyIs413() throws IOException {
        String chunk = "x".repeat(3000);
        String request = "POST " + GEMINI_PATH + " HTTP/1.1\r\nHost: x\r\n" + ACME_GOOG
                + "transfer-encoding: chunked\r\n\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n";
        try (RawHttp http = new RawHttp(gateway.port())) {
            assertGeminiError(http.send(request).read(), 413, "INVALID_ARGUMENT");
            assertTrue(http.closedByServer());
        }
        gateway.nextCompleted();
    }

    @Test
    void oversizeHeadersAre431() throws IOException {
        String big = "x-filler: " + "a".repeat(8000) + "\r\n";
        RawHttp.Response response = exchange(RawHttp.post("/v1/messages", ACME + big, MESSAGE));
        assertAnthropicError(response, 431, "invalid_request_error");
        gateway.nextCompleted();
    }

    @Test
    void oversizeRequestLineIs414() throws IOException {
        RawHttp.Response response = exchange(RawHttp.post("/v1/messages?pad=" + "a".repeat(20_000), ACME, MESSAGE));
        assertAnthropicError(response, 414, "invalid_request_error");
        gateway.nextCompleted();
    }

    @Test
    void conflictingContentLengthAndTransferEncodingAreRejected() throws IOException {
        String smuggle = "POST /v1/messages HTTP/1.1\r\nHost: x\r\n" + ACME
                + "content-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n";
        try (RawHttp http = new RawHttp(gateway.port())) {
            assertAnthropicError(http.send(smuggle).read(), 400, "invalid_request_error");
            assertTrue(http.closedByServer(), "a request with ambiguous framing ends the connection");
        }
        String twoLengths = "POST /v1/messages HTTP/1.1\r\nHost: x\r\n" + ACME
                + "content-length: 5\r\ncontent-length: 6\r\n\r\n{}{}{}";
        assertAnthropicError(exchange(twoLengths), 400, "invalid_request_error");
        gateway.nextCompleted();
        gateway.nextCompleted();
    }

    @Test
    void upstreamResetBeforeResponseIs502() throws IOException {
        RawHttp.Response response = exchange(RawHttp.post("/v1/messages", ACME + "x-mock-fault: reset_before\r\n",
                MESSAGE));
        assertAnthropicError(response, 502, "api_error");
        assertEquals(ErrorClass.UPSTREAM_RESET, gateway.nextCompleted().errorClass());
        RawHttp.Response gemini = exchange(RawHttp.post(GEMINI_PATH, ACME_GOOG + "x-mock-fault: reset_before\r\n",
                "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}"));
        assertGeminiError(gemini, 502, "UNAVAILABLE");
        gateway.nextCompleted();
    }

    @Test
    void upstreamErrorsPassThroughUnchanged() throws IOException {
        RawHttp.Response overloaded = exchange(RawHttp.post("/v1/messages", ACME + "x-mock-fault: 529\r\n", MESSAGE));
        assertAnthropicError(overloaded, 529, "overloaded_error");
        assertTrue(overloaded.header("request-id").startsWith("req_mock_"), "upstream headers reach the caller");
        gateway.nextCompleted();
    }
}
