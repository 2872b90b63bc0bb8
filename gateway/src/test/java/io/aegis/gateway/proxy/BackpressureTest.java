package io.aegis.gateway.proxy;

import io.aegis.trace.Outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.FakeUpstream;
import io.aegis.gateway.testing.PlainHttpRequests;
import io.aegis.gateway.testing.TestGateway;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A caller that stops reading stops the upstream: the gateway reads from the upstream only while the
 * caller's channel is writable, so an upstream writing on a blocking socket cannot finish a large
 * response until the caller reads again; then every byte arrives.
 */
class BackpressureTest {
    private static final int CHUNK = 64 * 1024;
    /** Far more than all socket buffers on the path (loopback autotuning included) can absorb. */
    private static final long TOTAL_BYTES = 48L * 1024 * 1024;

    @Test
    void aSlowCallerPausesTheUpstreamAndThenReceivesEverything() throws Exception {
        AtomicLong written = new AtomicLong();
        CountDownLatch upstreamDone = new CountDownLatch(1);
        try (FakeUpstream upstream = FakeUpstream.start((socket, number) -> {
            socket.setSendBufferSize(32 * 1024);
            InputStream in = socket.getInputStream();
            if (!PlainHttpRequests.readRequest(in)) {
                return;
            }
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: " + TOTAL_BYTES
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[CHUNK];
            Arrays.fill(chunk, (byte) 'x');
            for (long sent = 0; sent < TOTAL_BYTES; sent += CHUNK) {
                out.write(chunk);
                written.addAndGet(CHUNK);
            }
            out.flush();
            upstreamDone.countDown();
            // Keep the connection until the gateway has read the whole body.
            in.read();
        });
             TestGateway gateway = TestGateway.builder().anthropicBaseUrl(upstream.baseUrl()).start();
             Socket caller = new Socket()) {
            caller.setReceiveBufferSize(32 * 1024);
            caller.connect(new InetSocketAddress("127.0.0.1", gateway.port()));
            caller.setSoTimeout(20_000);
            OutputStream out = caller.getOutputStream();
            out.write(RawHttp.post("/v1/messages", "x-api-key: " + TestGateway.ACME_KEY + "\r\n",
                    "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[]}").getBytes(StandardCharsets.UTF_8));
            out.flush();

            // The caller reads nothing: the upstream must stall well before the end of its response.
            assertFalse(upstreamDone.await(3, TimeUnit.SECONDS),
                    "the upstream finished while the caller read nothing: the gateway buffered it all");
            long stalledAt = written.get();
            assertTrue(stalledAt > CHUNK, "data flowed before the stall: " + stalledAt);
            assertTrue(stalledAt < TOTAL_BYTES / 2, "the stall came early: " + stalledAt);

            // Now the caller reads: everything arrives and the upstream completes.
            long received = drainBody(caller.getInputStream());
            assertEquals(TOTAL_BYTES, received);
            assertTrue(upstreamDone.await(10, TimeUnit.SECONDS));
            assertEquals(Outcome.COMPLETED, gateway.nextCompleted().outcome());
        }
    }

    /** Reads the response head, then counts body bytes until content-length is reached. */
    private static long drainBody(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.read());
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
        byte[] buffer = new byte[256 * 1024];
        long total = 0;
        while (total < TOTAL_BYTES) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
