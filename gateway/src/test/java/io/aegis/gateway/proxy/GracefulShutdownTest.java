package io.aegis.gateway.proxy;

import io.aegis.trace.Outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Shutting down drains: no new connections, idle ones closed at once, in-flight streams finish whole. */
class GracefulShutdownTest {
    private static final String ACME = "x-api-key: " + TestGateway.ACME_KEY + "\r\n";

    @Test
    void inFlightStreamsFinishAndIdleConnectionsClose() throws Exception {
        TestGateway gateway = TestGateway.builder().gatewayExtra("drain_timeout_ms: 10000").start();
        int port = gateway.port();
        try (RawHttp idle = new RawHttp(port); RawHttp streaming = new RawHttp(port)) {
            assertEquals(200, idle.send(RawHttp.post("/v1/messages", ACME,
                    "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}")).read().status());
            gateway.nextCompleted();

            // 12 words in 6 deltas, 150 ms apart: the stream is still running when the stop begins.
            streaming.send(RawHttp.post("/v1/messages", ACME
                    + "x-mock-fault: slow_drip\r\nx-mock-delay-ms: 150\r\nx-mock-output-tokens: 12\r\n",
                    "{\"model\":\"m\",\"max_tokens\":64,\"stream\":true,\"messages\":[]}"));
            streaming.waitForResponseStart();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(gateway::close);

            RawHttp.Response response = streaming.read();
            assertEquals(200, response.status());
            assertTrue(response.complete(), "the in-flight stream finished whole during the drain");
            assertTrue(response.body().contains("event: message_stop"), response.body());
            assertTrue(streaming.closedByServer(), "its connection closed after it");
            assertTrue(idle.closedByServer(), "the idle connection was closed");
            // Well before the 10 s drain limit: the drain ends when the last exchange does, not at its deadline.
            closing.get(5, TimeUnit.SECONDS);
            assertEquals(Outcome.COMPLETED, gateway.nextCompleted().outcome());
            assertFalse(canConnect(port), "no new connections once stopped");
        }
    }

    private static boolean canConnect(int port) throws IOException {
        try {
            new Socket("127.0.0.1", port).close();
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }
}
