package io.aegis.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Routing, header handling, auth modes and connection reuse as the README's Wire behaviour describes them. */
class WireBehaviourTest {
    private static final String ACME = "x-api-key: " + TestGateway.ACME_KEY + "\r\n";
    private static final String MESSAGE = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":16,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String CONTENTS = "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}";

    @RegisterExtension
    static final TestGateway.PerClass gateway = new TestGateway.PerClass(TestGateway.builder());

    private static RawHttp.Response send(String request) throws IOException {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send(request).read();
            gateway.nextCompleted();
            return response;
        }
    }

    @Test
    void prefixesAndApiVersionsRouteToTheProviderPath() throws IOException {
        assertEquals("/v1/messages", send(RawHttp.post("/anthropic/v1/messages", ACME, MESSAGE))
                .header("x-mock-received-path"));
        assertEquals("/v1beta/models/gemini-2.5-flash:generateContent",
                send(RawHttp.post("/gemini/v1beta/models/gemini-2.5-flash:generateContent", ACME, CONTENTS))
                        .header("x-mock-received-path"));
        assertEquals("/v1/models/gemini-2.5-flash:countTokens",
                send(RawHttp.post("/v1/models/gemini-2.5-flash:countTokens", ACME, CONTENTS))
                        .header("x-mock-received-path"));
    }

    @Test
    void queryStringsPassThroughButTheCallerKeyDoesNot() throws IOException {
        assertEquals("beta=true", send(RawHttp.post("/v1/messages?beta=true", ACME, MESSAGE))
                .header("x-mock-received-query"));
        RawHttp.Response gemini = send(RawHttp.post(
                "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=" + TestGateway.ACME_KEY, "",
                CONTENTS));
        assertEquals("alt=sse", gemini.header("x-mock-received-query"), "the virtual key left the query");
        assertEquals("x-goog-api-key " + TestGateway.keyId(TestGateway.PROVIDER_KEY),
                gemini.header("x-mock-received-auth"));
        assertTrue(gemini.header("content-type").startsWith("text/event-stream"));
    }

    @Test
    void traceparentIsPropagatedWithTheGatewaysSpanOrCreated() throws IOException {
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        RawHttp.Response kept = send(RawHttp.post("/v1/messages",
                ACME + "traceparent: 00-" + trace + "-00f067aa0ba902b7-01\r\n", MESSAGE));
        String upstream = kept.header("x-mock-received-traceparent");
        assertTrue(upstream.startsWith("00-" + trace + "-"), upstream);
        assertFalse(upstream.contains("00f067aa0ba902b7"), "the gateway's span is the upstream's parent");
        assertEquals(trace, kept.header("x-aegis-trace-id"));

        RawHttp.Response created = send(RawHttp.post("/v1/messages", ACME, MESSAGE));
        String fresh = created.header("x-mock-received-traceparent");
        assertTrue(fresh.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"), fresh);
        assertNotEquals(trace, created.header("x-aegis-trace-id"));
    }

    @Test
    void hopByHopHeadersAreStrippedAndOthersPass() throws IOException {
        RawHttp.Response response = send(RawHttp.post("/v1/messages", ACME
                + "connection: keep-alive, x-private-hop\r\nx-private-hop: 1\r\nte: trailers\r\n"
                + "keep-alive: timeout=5\r\nproxy-authorization: Basic abc\r\nupgrade: h2c\r\n"
                + "anthropic-beta: prompt-caching-2024-07-31\r\nanthropic-version: 2023-06-01\r\n"
                + "accept-encoding: gzip\r\n", MESSAGE));
        List<String> names = Arrays.asList(response.header("x-mock-received-header-names").split(","));
        for (String hop : List.of("connection", "x-private-hop", "te", "keep-alive", "proxy-authorization",
                "upgrade")) {
            assertFalse(names.contains(hop), hop + " must not cross the proxy: " + names);
        }
        assertTrue(names.contains("anthropic-beta"), names.toString());
        assertTrue(names.contains("anthropic-version"), names.toString());
        assertTrue(names.contains("traceparent"), names.toString());
        assertNull(response.header("transfer-encoding"), "a JSON body with a known length is not re-chunked");
        assertEquals(String.valueOf(response.body().length()), response.header("content-length"));
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws IOException {
        try (RawHttp http = new RawHttp(gateway.port())) {
            for (int i = 0; i < 3; i++) {
                assertEquals(200, http.send(RawHttp.post("/v1/messages", ACME, MESSAGE)).read().status());
                gateway.nextCompleted();
            }
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException {
        try (RawHttp http = new RawHttp(gateway.port())) {
            http.send(RawHttp.post("/v1/messages", ACME, MESSAGE)
                    + RawHttp.post("/v1/nope", ACME, "{}")
                    + RawHttp.post("/v1/messages/count_tokens", ACME, MESSAGE));
            assertEquals(200, http.read().status());
            assertEquals(404, http.read().status());
            RawHttp.Response third = http.read();
            assertEquals(200, third.status());
            assertTrue(third.body().contains("input_tokens"), third.body());
            for (int i = 0; i < 3; i++) {
                gateway.nextCompleted();
            }
        }
    }

    @Test
    void expectContinueIsAnsweredBeforeTheBodyAndRefusalsDoNotWaitForIt() throws IOException {
        try (RawHttp http = new RawHttp(gateway.port())) {
            http.send("POST /v1/messages HTTP/1.1\r\nHost: x\r\n" + ACME + "expect: 100-continue\r\n"
                    + "content-length: " + MESSAGE.length() + "\r\n\r\n");
            assertEquals(100, http.read().status(), "100 Continue before the body is sent");
            assertEquals(200, http.send(MESSAGE).read().status());
            gateway.nextCompleted();
        }
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response refused = http.send("POST /v1/messages HTTP/1.1\r\nHost: x\r\nx-api-key: nope\r\n"
                    + "expect: 100-continue\r\ncontent-length: 5000\r\n\r\n").read();
            assertEquals(401, refused.status(), "refused at once, without asking for the body");
            assertTrue(http.closedByServer());
            gateway.nextCompleted();
        }
    }

    @Test
    void aLargeBodyWithMediaPassesThroughByteForByte() throws IOException {
        String media = "A".repeat(700_000);
        String body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\""
                + media + "\"}},{\"type\":\"text\",\"text\":\"caf\u00e9 \u2603 what is this?\"}]}]}";
        RawHttp.Response response = send(RawHttp.post("/v1/messages", ACME, body));
        assertEquals(200, response.status());
        assertEquals(String.valueOf(body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length),
                response.header("x-mock-received-content-length"));
        // The mock counted only the text block (20 UTF-16 units, not the media): ceil(20 / 4) = 5.
        assertTrue(response.body().contains("\"input_tokens\":5"), response.body());
    }

    @Test
    void connectionCloseIsHonoured() throws IOException {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send(RawHttp.post("/v1/messages", ACME + "connection: close\r\n",
                    MESSAGE)).read();
            assertEquals(200, response.status());
            assertEquals("close", response.header("connection"));
            assertTrue(http.closedByServer());
            gateway.nextCompleted();
        }
    }

    @Test
    void passthroughModeForwardsTheCallersKeyAndNamesTheTenantByItsHash() throws IOException {
        try (TestGateway passthrough = TestGateway.builder().authMode("passthrough").start();
             RawHttp http = new RawHttp(passthrough.port())) {
            String callerKey = "sk-ant-caller-own-key";
            RawHttp.Response response = http.send(RawHttp.post("/v1/messages",
                    "authorization: Bearer " + callerKey + "\r\n", MESSAGE)).read();
            assertEquals(200, response.status());
            assertEquals("bearer " + TestGateway.keyId(callerKey), response.header("x-mock-received-auth"));
            TestGateway.Completed done = passthrough.nextCompleted();
            assertEquals("key-" + TestGateway.keyId(callerKey), done.tenant());
        }
    }
}
