package io.aegis.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
            assertEquals("upstream_protocol", gateway.nextCompleted().errorClass());
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
}
