package io.aegis.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.PlainHttpRequests;
import io.aegis.gateway.testing.TestGateway;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A pooled connection the upstream has dropped (its idle timeout raced our request) fails before any
 * response byte; the request never reached the upstream, so the gateway sends it again on a fresh
 * connection instead of answering 502.
 */
class StaleConnectionTest {
    private static final String BODY = "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}";
    private static final String ANSWER = "{\"type\":\"message\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}";

    @Test
    void aDroppedPooledConnectionIsRetriedOnAFreshOne() throws Exception {
        try (ServerSocket upstream = new ServerSocket()) {
            upstream.bind(new InetSocketAddress("127.0.0.1", 0));
            AtomicInteger connections = new AtomicInteger();
            Thread server = new Thread(() -> serve(upstream, connections), "fake-upstream");
            server.setDaemon(true);
            server.start();
            try (TestGateway gateway = TestGateway.builder()
                    .anthropicBaseUrl("http://127.0.0.1:" + upstream.getLocalPort())
                    .start();
                 RawHttp http = new RawHttp(gateway.port())) {
                String request = RawHttp.post("/v1/messages", "x-api-key: " + TestGateway.ACME_KEY + "\r\n", BODY);
                assertEquals(200, http.send(request).read().status());
                assertEquals(1, gateway.nextCompleted().attempts());

                RawHttp.Response second = http.send(request).read();
                assertEquals(200, second.status(), second.body());
                TestGateway.Completed done = gateway.nextCompleted();
                assertEquals(2, done.attempts(), "one attempt on the dropped connection, one on a fresh one");
                assertEquals(2, connections.get());
            }
        }
    }

    /** Connection 1: answers one request, then drops the connection when the next arrives. Later: answers. */
    private static void serve(ServerSocket server, AtomicInteger connections) {
        try {
            while (true) {
                Socket socket = server.accept();
                int number = connections.incrementAndGet();
                Thread handler = new Thread(() -> handle(socket, number), "fake-upstream-" + number);
                handler.setDaemon(true);
                handler.start();
            }
        } catch (IOException closed) {
            // The test is over.
        }
    }

    private static void handle(Socket socket, int number) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            for (int request = 1; PlainHttpRequests.readRequest(in); request++) {
                if (number == 1 && request == 2) {
                    // As if the idle timeout had fired: close without a byte of response.
                    return;
                }
                out.write(PlainHttpRequests.okJson(ANSWER));
                out.flush();
            }
        } catch (IOException e) {
            // Connection gone.
        }
    }

}
