package io.aegis.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.gateway.testing.PlainHttpRequests;
import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Upstream responses that are not a plain answer: 1xx (103 Early Hints) come before the final
 * response, which the caller gets; bytes that are not HTTP at all are a 502 that says so.
 */
class UnusualUpstreamResponseTest {
    @Test
    void garbageFromTheUpstreamIsA502NamingIt() throws Exception {
        try (ServerSocket upstream = new ServerSocket()) {
            upstream.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread server = new Thread(() -> {
                try (Socket socket = upstream.accept()) {
                    PlainHttpRequests.readRequest(socket.getInputStream());
                    socket.getOutputStream().write("SSH-2.0-OpenSSH_9.6\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    socket.getInputStream().read();
                } catch (IOException e) {
                    // Test over.
                }
            }, "fake-upstream");
            server.setDaemon(true);
            server.start();
            try (TestGateway gateway = TestGateway.builder()
                    .anthropicBaseUrl("http://127.0.0.1:" + upstream.getLocalPort()).start();
                 RawHttp http = new RawHttp(gateway.port())) {
                RawHttp.Response response = http.send(RawHttp.post("/v1/messages",
                        "x-api-key: " + TestGateway.ACME_KEY + "\r\n", "{\"model\":\"m\",\"max_tokens\":5}")).read();
                assertEquals(502, response.status());
                assertTrue(response.body().contains("malformed response"), response.body());
                assertEquals("upstream_protocol", gateway.nextCompleted().errorClass());
            }
        }
    }

    @Test
    void earlyHintsAreDroppedAndTheFinalResponseRelayed() throws Exception {
        try (ServerSocket upstream = new ServerSocket()) {
            upstream.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread server = new Thread(() -> {
                try (Socket socket = upstream.accept()) {
                    PlainHttpRequests.readRequest(socket.getInputStream());
                    OutputStream out = socket.getOutputStream();
                    out.write("HTTP/1.1 103 Early Hints\r\nlink: </x>; rel=preload\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(PlainHttpRequests.okJson("{\"type\":\"message\",\"usage\":{\"input_tokens\":3,"
                            + "\"output_tokens\":4}}"));
                    out.flush();
                    socket.getInputStream().read();
                } catch (IOException e) {
                    // Test over.
                }
            }, "fake-upstream");
            server.setDaemon(true);
            server.start();
            try (TestGateway gateway = TestGateway.builder()
                    .anthropicBaseUrl("http://127.0.0.1:" + upstream.getLocalPort()).start();
                 RawHttp http = new RawHttp(gateway.port())) {
                RawHttp.Response response = http.send(RawHttp.post("/v1/messages",
                        "x-api-key: " + TestGateway.ACME_KEY + "\r\n", "{\"model\":\"m\",\"max_tokens\":5}")).read();
                assertEquals(200, response.status());
                assertTrue(response.body().contains("\"output_tokens\":4"), response.body());
                assertEquals(4, gateway.nextCompleted().outputTokens());
            }
        }
    }
}
