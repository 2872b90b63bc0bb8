package io.aegis.gateway.proxy;

import io.aegis.gateway.error.ErrorClass;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Clients cannot hold connections with requests that never finish, nor idle forever. */
class ClientTimeoutTest {
    private static final String ACME = "x-api-key: " + TestGateway.ACME_KEY + "\r\n";
    @RegisterExtension
    static final TestGateway.PerClass gateway = new TestGateway.PerClass(TestGateway.builder()
                .gatewayExtra("request_timeout_ms: 400\nkeepalive_timeout_ms: 600"));

    @Test
    void aHeadThatNeverCompletesGets408AndTheConnectionCloses() throws IOException {
        try (RawHttp http = new RawHttp(gateway.port())) {
            // A slow client: part of a head, then nothing more.
            RawHttp.Response response = http.send("POST /v1/messages HTTP/1.1\r\nHost: x\r\n").read();
            assertEquals(408, response.status());
            assertTrue(response.body().contains("\"timeout_error\""), response.body());
            assertEquals("close", response.header("connection"));
            assertTrue(http.closedByServer());
        }
        assertEquals(ErrorClass.REQUEST_TIMEOUT, gateway.nextCompleted().errorClass());
    }

    @Test
    void aBodyThatStallsGets408InTheRoutesShape() throws IOException {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send("POST /v1beta/models/gemini-2.5-flash:generateContent HTTP/1.1\r\n"
                    + "Host: x\r\nx-goog-api-key: " + TestGateway.ACME_KEY + "\r\ncontent-length: 100\r\n\r\n{\"con")
                    .read();
            assertEquals(408, response.status());
            assertTrue(response.body().contains("DEADLINE_EXCEEDED"), response.body());
            assertTrue(http.closedByServer());
        }
        gateway.nextCompleted();
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterItsTimeout() throws IOException {
        try (RawHttp http = new RawHttp(gateway.port())) {
            assertEquals(200, http.send(RawHttp.post("/v1/messages", ACME,
                    "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}")).read().status());
            assertTrue(http.closedByServer(), "closed once idle past keepalive_timeout_ms");
        }
        gateway.nextCompleted();
    }

    @Test
    void aSlowUpstreamIsNotMistakenForAnIdleClient() throws IOException {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send(RawHttp.post("/v1/messages",
                    ACME + "x-mock-fault: slow_first_byte\r\nx-mock-delay-ms: 1500\r\n",
                    "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}")).read();
            assertEquals(200, response.status(), "the client timeouts pause while the exchange is in flight");
        }
        gateway.nextCompleted();
    }
}
