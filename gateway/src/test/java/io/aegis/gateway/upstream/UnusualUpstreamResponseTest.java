package io.aegis.gateway.upstream;

import io.aegis.gateway.error.ErrorClass;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.gateway.testing.FakeUpstream;
import io.aegis.gateway.testing.PlainHttpRequests;
import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Upstream responses that are not a plain answer: 1xx (103 Early Hints) come before the final
 * response, which the caller gets; bytes that are not HTTP at all are a 502 that says so.
 */
class UnusualUpstreamResponseTest {
    private static RawHttp.Response call(TestGateway gateway) throws IOException {
        try (RawHttp http = new RawHttp(gateway.port())) {
            return http.send(RawHttp.post("/v1/messages", "x-api-key: " + TestGateway.ACME_KEY + "\r\n",
                    "{\"model\":\"m\",\"max_tokens\":5}")).read();
        }
    }

    @Test
    void garbageFromTheUpstreamIsA502NamingIt() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start((socket, number) -> {
            PlainHttpRequests.readRequest(socket.getInputStream());
            socket.getOutputStream().write("SSH-2.0-OpenSSH_9.6\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.getInputStream().read();
        });
             TestGateway gateway = TestGateway.builder().anthropicBaseUrl(upstream.baseUrl()).start()) {
            RawHttp.Response response = call(gateway);
            assertEquals(502, response.status());
            assertTrue(response.body().contains("malformed response"), response.body());
            assertEquals(ErrorClass.UPSTREAM_PROTOCOL, gateway.nextCompleted().errorClass());
        }
    }

    @Test
    void earlyHintsAreDroppedAndTheFinalResponseRelayed() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start((socket, number) -> {
            PlainHttpRequests.readRequest(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 103 Early Hints\r\nlink: </x>; rel=preload\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(PlainHttpRequests.okJson("{\"type\":\"message\",\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}"));
            out.flush();
            socket.getInputStream().read();
        });
             TestGateway gateway = TestGateway.builder().anthropicBaseUrl(upstream.baseUrl()).start()) {
            RawHttp.Response response = call(gateway);
            assertEquals(200, response.status());
            assertTrue(response.body().contains("\"output_tokens\":4"), response.body());
            assertEquals(4, gateway.nextCompleted().outputTokens());
        }
    }

    @Test
    void hopByHopResponseHeadersStopAtTheGateway() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start((socket, number) -> {
            PlainHttpRequests.readRequest(socket.getInputStream());
            byte[] body = "{\"type\":\"message\"}".getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    + "content-length: " + body.length + "\r\nconnection: keep-alive, x-private-hop\r\n"
                    + "x-private-hop: 1\r\nkeep-alive: timeout=5\r\nproxy-authenticate: Basic\r\n"
                    + "request-id: req_fake_1\r\nanthropic-ratelimit-requests-remaining: 7\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            socket.getInputStream().read();
        });
             TestGateway gateway = TestGateway.builder().anthropicBaseUrl(upstream.baseUrl()).start()) {
            RawHttp.Response response = call(gateway);
            assertEquals(200, response.status());
            assertEquals("req_fake_1", response.header("request-id"));
            assertEquals("7", response.header("anthropic-ratelimit-requests-remaining"));
            for (String hop : new String[] {"x-private-hop", "keep-alive", "proxy-authenticate"}) {
                assertEquals(null, response.header(hop), hop + " must not reach the caller");
            }
            assertTrue(response.header("connection") == null || !response.header("connection").contains("x-private-hop"));
            gateway.nextCompleted();
        }
    }

    @Test
    void aMalformedChunkMidStreamIsAFailureNotACleanEnd() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start((socket, number) -> {
            PlainHttpRequests.readRequest(socket.getInputStream());
            String event = "event: ping\ndata: {\"type\":\"ping\"}\n\n";
            socket.getOutputStream().write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                    + "transfer-encoding: chunked\r\n\r\n" + Integer.toHexString(event.length()) + "\r\n" + event
                    + "\r\nnot-a-chunk-size\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.getInputStream().read();
        });
             TestGateway gateway = TestGateway.builder().anthropicBaseUrl(upstream.baseUrl()).start()) {
            RawHttp.Response response = call(gateway);
            assertEquals(200, response.status());
            assertTrue(response.body().contains("event: ping"), "what came before was relayed");
            assertTrue(response.body().contains("event: error"), response.body());
            assertFalse(response.complete(), "a cut stream must not look complete");
            assertEquals(ErrorClass.UPSTREAM_PROTOCOL, gateway.nextCompleted().errorClass());
        }
    }
}
