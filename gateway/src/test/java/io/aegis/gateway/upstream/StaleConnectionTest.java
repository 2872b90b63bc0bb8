package io.aegis.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.FakeUpstream;
import io.aegis.gateway.testing.PlainHttpRequests;
import io.aegis.gateway.testing.TestGateway;
import java.io.InputStream;
import java.io.OutputStream;
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
        // Connection 1 answers one request, then drops the connection when the next arrives, as if
        // its idle timeout had fired; later connections answer normally.
        try (FakeUpstream upstream = FakeUpstream.start((socket, number) -> {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            for (int request = 1; PlainHttpRequests.readRequest(in); request++) {
                if (number == 1 && request == 2) {
                    return;
                }
                out.write(PlainHttpRequests.okJson(ANSWER));
                out.flush();
            }
        });
             TestGateway gateway = TestGateway.builder().anthropicBaseUrl(upstream.baseUrl()).start();
             RawHttp http = new RawHttp(gateway.port())) {
            String request = RawHttp.post("/v1/messages", "x-api-key: " + TestGateway.ACME_KEY + "\r\n", BODY);
            assertEquals(200, http.send(request).read().status());
            assertEquals(1, gateway.nextCompleted().attempts());

            RawHttp.Response second = http.send(request).read();
            assertEquals(200, second.status(), second.body());
            TestGateway.Completed done = gateway.nextCompleted();
            assertEquals(2, done.attempts(), "one attempt on the dropped connection, one on a fresh one");
            assertEquals(2, upstream.connections());
        }
    }
}
