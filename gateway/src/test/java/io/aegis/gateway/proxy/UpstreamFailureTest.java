package io.aegis.gateway.proxy;

import io.aegis.gateway.error.ErrorClass;
import io.aegis.trace.Outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.gateway.testing.FakeUpstream;
import io.aegis.gateway.testing.PlainHttpRequests;
import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Upstream failures before and after the first byte, and timeouts (the README's Wire behaviour). */
class UpstreamFailureTest {
    private static final String ACME = "x-api-key: " + TestGateway.ACME_KEY + "\r\n";
    private static final String ACME_GOOG = "x-goog-api-key: " + TestGateway.ACME_KEY + "\r\n";
    private static final String STREAM = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"tell me a long story\"}]}";
    private static final String MESSAGE = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void refusedUpstreamIs502() throws IOException {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        try (TestGateway gateway = TestGateway.builder().anthropicBaseUrl("http://127.0.0.1:" + closedPort).start();
             RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send(RawHttp.post("/v1/messages", ACME, MESSAGE)).read();
            assertEquals(502, response.status());
            assertTrue(response.body().contains("\"api_error\""), response.body());
            assertEquals(ErrorClass.UPSTREAM_REFUSED, gateway.nextCompleted().errorClass());
        }
    }

    @Test
    void connectTimeoutIs504() throws IOException {
        // A listener whose accept queue is full: further connection attempts get no answer at all.
        try (ServerSocket full = new ServerSocket()) {
            full.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            List<Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket filler = new Socket();
                    try {
                        filler.connect(full.getLocalSocketAddress(), 200);
                        fillers.add(filler);
                    } catch (IOException queueFull) {
                        filler.close();
                        break;
                    }
                }
                try (TestGateway gateway = TestGateway.builder()
                        .anthropicBaseUrl("http://127.0.0.1:" + full.getLocalPort())
                        .providerExtra("timeouts: { connect_ms: 300 }").start();
                     RawHttp http = new RawHttp(gateway.port())) {
                    RawHttp.Response response = http.send(RawHttp.post("/v1/messages", ACME, MESSAGE)).read();
                    assertEquals(504, response.status(), response.body());
                    assertTrue(response.body().contains("\"timeout_error\""), response.body());
                    assertEquals(ErrorClass.UPSTREAM_CONNECT_TIMEOUT, gateway.nextCompleted().errorClass());
                }
            } finally {
                for (Socket filler : fillers) {
                    filler.close();
                }
            }
        }
    }

    @Test
    void firstByteTimeoutIs504InEachShape() throws IOException {
        try (TestGateway gateway = TestGateway.builder().providerExtra("timeouts: { first_byte_ms: 300 }").start()) {
            try (RawHttp http = new RawHttp(gateway.port())) {
                RawHttp.Response response = http.send(RawHttp.post("/v1/messages",
                        ACME + "x-mock-fault: slow_first_byte\r\nx-mock-delay-ms: 3000\r\n", MESSAGE)).read();
                assertEquals(504, response.status());
                assertTrue(response.body().contains("\"timeout_error\""), response.body());
            }
            assertEquals(ErrorClass.UPSTREAM_TIMEOUT_FIRST_BYTE, gateway.nextCompleted().errorClass());
            try (RawHttp http = new RawHttp(gateway.port())) {
                RawHttp.Response response = http.send(RawHttp.post(
                        "/v1beta/models/gemini-2.5-flash:generateContent",
                        ACME_GOOG + "x-mock-fault: slow_first_byte\r\nx-mock-delay-ms: 3000\r\n",
                        "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}")).read();
                assertEquals(504, response.status());
                assertTrue(response.body().contains("DEADLINE_EXCEEDED"), response.body());
            }
            gateway.nextCompleted();
        }
    }

    @Test
    void midStreamResetEndsWithAnErrorEventAndNoCleanEnd() throws IOException {
        try (TestGateway gateway = TestGateway.start(); RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send(RawHttp.post("/v1/messages",
                    ACME + "x-mock-fault: reset_mid_stream\r\n", STREAM)).read();
            assertEquals(200, response.status());
            assertTrue(response.body().contains("event: message_start"), "bytes before the cut were relayed");
            assertTrue(response.body().contains("event: error"), response.body());
            assertFalse(response.complete(), "no terminating chunk: a cut stream must not look complete");
            assertTrue(http.closedByServer());
            assertEquals(Outcome.UPSTREAM_FAILED, gateway.nextCompleted().outcome());
        }
    }

    @Test
    void geminiSseResetEndsWithAnErrorChunk() throws IOException {
        try (TestGateway gateway = TestGateway.start(); RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send(RawHttp.post(
                    "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                    ACME_GOOG + "x-mock-fault: reset_mid_stream\r\n",
                    "{\"contents\":[{\"parts\":[{\"text\":\"tell me a long story please\"}]}]}")).read();
            assertEquals(200, response.status());
            assertTrue(response.body().contains("data: {\"error\":{\"code\":502"), response.body());
            assertFalse(response.complete());
            gateway.nextCompleted();
        }
    }

    @Test
    void nonStreamResetMidBodyClosesWithoutACompleteBody() throws IOException {
        try (TestGateway gateway = TestGateway.start(); RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send(RawHttp.post("/v1/messages",
                    ACME + "x-mock-fault: reset_mid_stream\r\n", MESSAGE)).read();
            assertEquals(200, response.status());
            assertFalse(response.complete(), "content-length not met: the caller sees a truncated body");
            assertEquals(Outcome.UPSTREAM_FAILED, gateway.nextCompleted().outcome());
        }
    }

    @Test
    void idleTimeoutMidStreamBecomesAnInStreamError() throws IOException {
        try (TestGateway gateway = TestGateway.builder().providerExtra("timeouts: { idle_ms: 300 }").start();
             RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send(RawHttp.post("/v1/messages",
                    ACME + "x-mock-fault: slow_drip\r\nx-mock-delay-ms: 5000\r\n", STREAM)).read();
            assertEquals(200, response.status());
            assertTrue(response.body().contains("\"timeout_error\""), response.body());
            assertFalse(response.complete());
            assertEquals(ErrorClass.UPSTREAM_TIMEOUT_IDLE, gateway.nextCompleted().errorClass());
        }
    }

    @Test
    void callerDisconnectCancelsTheUpstreamRequest() throws Exception {
        // The upstream starts a stream and then waits; it sees the end of its connection only if
        // the gateway cancels the request when the caller goes away.
        CountDownLatch upstreamClosed = new CountDownLatch(1);
        try (FakeUpstream upstream = FakeUpstream.start((socket, number) -> {
            InputStream in = socket.getInputStream();
            PlainHttpRequests.readRequest(in);
            String event = "event: ping\ndata: {\"type\":\"ping\"}\n\n";
            socket.getOutputStream().write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                    + "transfer-encoding: chunked\r\n\r\n" + Integer.toHexString(event.length()) + "\r\n" + event
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            if (in.read() < 0) {
                upstreamClosed.countDown();
            }
        });
             TestGateway gateway = TestGateway.builder().anthropicBaseUrl(upstream.baseUrl()).start()) {
            try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
                socket.getOutputStream().write(RawHttp.post("/v1/messages", ACME, STREAM)
                        .getBytes(StandardCharsets.UTF_8));
                socket.setSoTimeout(10_000);
                assertTrue(socket.getInputStream().read(new byte[64]) > 0, "the stream had begun");
            }
            assertTrue(upstreamClosed.await(10, TimeUnit.SECONDS), "the upstream connection was closed");
            assertEquals(Outcome.CLIENT_CLOSED, gateway.nextCompleted().outcome());
        }
    }
}
