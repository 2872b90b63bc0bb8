package io.aegis.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Stream formats beyond what the SDKs send, and malformed upstream chunks, end to end. */
class StreamFormatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GOOG = "x-goog-api-key: " + TestGateway.ACME_KEY + "\r\n";
    /** 36 characters: 9 input tokens; the mock answers 10 + 9 = 19 words. */
    private static final String CONTENTS = "{\"contents\":[{\"parts\":[{\"text\":\"stream me an answer in many chunks!!\"}]}]}";
    @RegisterExtension
    static final TestGateway.PerClass gateway = new TestGateway.PerClass(TestGateway.builder());

    private static RawHttp.Response send(String request) throws IOException {
        try (RawHttp http = new RawHttp(gateway.port())) {
            return http.send(request).read();
        }
    }

    @Test
    void geminiStreamWithoutAltSseIsAStreamedJsonArray() throws IOException {
        RawHttp.Response response = send(RawHttp.post(
                "/v1beta/models/gemini-2.5-flash:streamGenerateContent", GOOG, CONTENTS));
        assertEquals(200, response.status());
        assertTrue(response.header("content-type").startsWith("application/json"));
        assertEquals("chunked", response.header("transfer-encoding"), "relayed as it came, not buffered whole");
        JsonNode array = JSON.readTree(response.body());
        assertTrue(array.isArray() && array.size() == 10, response.body());
        JsonNode last = array.get(array.size() - 1);
        assertEquals("STOP", last.path("candidates").get(0).path("finishReason").asText());
        assertEquals(19, last.path("usageMetadata").path("candidatesTokenCount").asInt());

        TestGateway.Completed done = gateway.nextCompleted();
        assertEquals(9, done.inputTokens());
        assertEquals(19, done.outputTokens(), "the last element's count, not a sum over the array");
    }

    @Test
    void aBadJsonChunkPassesThroughAndUsageIsStillRead() throws IOException {
        RawHttp.Response gemini = send(RawHttp.post(
                "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", GOOG + "x-mock-fault: bad_json_chunk\r\n",
                CONTENTS));
        assertEquals(200, gemini.status());
        assertTrue(gemini.complete(), "the gateway relays what the upstream sent; it does not police content");
        TestGateway.Completed geminiDone = gateway.nextCompleted();
        assertEquals(19, geminiDone.outputTokens(), "events after the malformed one are still read");

        RawHttp.Response anthropic = send(RawHttp.post("/v1/messages",
                "x-api-key: " + TestGateway.ACME_KEY + "\r\nx-mock-fault: bad_json_chunk\r\n",
                "{\"model\":\"m\",\"max_tokens\":64,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"stream me an answer in many chunks!!\"}]}"));
        assertTrue(anthropic.complete() && anthropic.body().contains("event: message_stop"));
        assertEquals(19, gateway.nextCompleted().outputTokens());
    }
}
