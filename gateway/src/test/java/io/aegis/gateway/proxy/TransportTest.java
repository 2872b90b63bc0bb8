package io.aegis.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The proxy behaves the same on every transport: NIO always, epoll and io_uring where they load. */
class TransportTest {
    private static final String ACME = "x-api-key: " + TestGateway.ACME_KEY + "\r\n";

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll", "io_uring"})
    void streamAndNonStreamRoundTrip(String transport) throws IOException {
        try (TestGateway gateway = TestGateway.builder().transport(transport).start();
             RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response json = http.send(RawHttp.post("/v1/messages", ACME,
                    "{\"model\":\"m\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).read();
            assertEquals(200, json.status());
            RawHttp.Response stream = http.send(RawHttp.post("/v1/messages", ACME,
                    "{\"model\":\"m\",\"max_tokens\":16,\"stream\":true,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).read();
            assertEquals(200, stream.status());
            assertTrue(stream.complete() && stream.body().contains("event: message_stop"), stream.body());
            // "hi" is 1 input token, so the mock answers 10 + 1 % 23 = 11 words, one token each.
            for (int i = 0; i < 2; i++) {
                TestGateway.Completed done = gateway.nextCompleted();
                assertTrue(done.usageSeen());
                assertEquals(11, done.outputTokens());
            }
        }
    }
}
