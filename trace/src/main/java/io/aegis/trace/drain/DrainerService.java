package io.aegis.trace.drain;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drainer as a running service: its own thread draining the queue, and the Prometheus text on
 * {@code GET /metrics} from a small HTTP server of its own (never the gateway's event loops).
 * Closing stops the thread after a last checkpoint.
 */
public final class DrainerService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DrainerService.class);
    /** Events between checkpoints while the queue is busy (it also checkpoints whenever it runs dry). */
    public static final int CHECKPOINT_EVERY = 100_000;

    private final Drainer drainer;
    private final Thread thread;
    private final HttpServer server;
    private final OtlpExport otlp;

    private DrainerService(Drainer drainer, Thread thread, HttpServer server, OtlpExport otlp) {
        this.drainer = drainer;
        this.thread = thread;
        this.server = server;
        this.otlp = otlp;
    }

    /**
     * Starts draining {@code queueDir} (state in {@code stateDir}), serving metrics on host:port (0:
     * any port), exporting OTLP to {@code otlpEndpoint} unless it is empty, and deleting queue
     * files once drained and older than {@code retainMillis} (negative: never).
     */
    /** New sampling settings for the spans exported from now on (no effect without OTLP). */
    public void sampling(Sampling next) {
        if (otlp != null) {
            otlp.sampling(next);
        }
    }

    public static DrainerService start(Path queueDir, Path stateDir, String host, int port, String otlpEndpoint,
            Sampling sampling, long retainMillis) throws IOException {
        OtlpExport otlp = otlpEndpoint == null || otlpEndpoint.isEmpty() ? null
                : new OtlpExport(otlpEndpoint, sampling, 10_000, java.time.Duration.ofSeconds(10));
        Drainer drainer;
        try {
            drainer = new Drainer(queueDir, stateDir, CHECKPOINT_EVERY, otlp);
        } catch (IOException | RuntimeException e) {
            if (otlp != null) {
                otlp.close();
            }
            throw e;
        }
        drainer.retainFor(retainMillis);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            drainer.close();
            if (otlp != null) {
                otlp.close();
            }
            throw new IOException("cannot serve metrics on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        server.createContext("/metrics", exchange -> {
            byte[] body = drainer.prometheus().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        Thread thread = new Thread(() -> {
            try {
                drainer.run();
            } catch (RuntimeException e) {
                LOG.error("the trace drainer stopped: {}", e.toString());
            }
        }, "aegis-drainer");
        thread.setDaemon(true);
        thread.start();
        return new DrainerService(drainer, thread, server, otlp);
    }

    /** Where {@code /metrics} is served. */
    public InetSocketAddress metricsAddress() {
        return server.getAddress();
    }

    public String prometheus() {
        return drainer.prometheus();
    }

    @Override
    public void close() {
        server.stop(0);
        drainer.stop();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drainer.close();
        if (otlp != null) {
            otlp.close();
        }
    }
}
