package io.aegis.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An operator's open dashboard page, as far as the gateway can tell: while {@link #watching}, it asks
 * the control API for what the page polls, at the page's pace (the panels every second, the live
 * tail every two, the audit trail every five), with the admin token. The load benchmark measures
 * the gateway with it watching against the same gateway without, in the same rounds.
 */
final class DashboardWatcher implements AutoCloseable {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI base;
    private final String token;
    private final Thread thread;
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean watching;
    private volatile boolean running = true;

    DashboardWatcher(URI controlUrl, Path adminTokenFile) throws IOException {
        this.base = controlUrl;
        this.token = Files.readString(adminTokenFile).trim();
        this.thread = new Thread(this::run, "bench-dashboard");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Opens or closes the page. */
    void watching(boolean open) {
        this.watching = open;
    }

    /** Requests the page made, and those that failed (a failed poll would make the comparison meaningless). */
    long polls() {
        return polls.get();
    }

    long failures() {
        return failures.get();
    }

    private void run() {
        long second = 0;
        long next = System.nanoTime();
        while (running) {
            LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
            next += 1_000_000_000L;
            if (!watching) {
                continue;
            }
            get("/v1/dashboard");
            if (second % 2 == 0) {
                get("/v1/events?limit=50");
            }
            if (second % 5 == 0) {
                get("/v1/audit?limit=25");
            }
            second++;
        }
    }

    private void get(String path) {
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(base.resolve(path))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            polls.incrementAndGet();
            if (response.statusCode() != 200) {
                failures.incrementAndGet();
            }
        } catch (IOException e) {
            failures.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
