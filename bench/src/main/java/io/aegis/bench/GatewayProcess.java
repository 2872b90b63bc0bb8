package io.aegis.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gateway under test as its own process, started through {@code bin/aegis gateway}: the
 * product's launcher, JVM flags and garbage collector, with a heap and a JIT that serve the gateway
 * alone. Sharing the benchmark's JVM would charge the gateway for the mock's and the client's
 * collections (and the other way round), which no deployment does.
 */
final class GatewayProcess implements AutoCloseable {
    private static final String LISTENING = "aegis gateway listening on ";
    private static final String CONTROL_READY = "aegis control API on ";
    private static final long START_TIMEOUT_SECONDS = 180;

    private final Process process;
    private final InetSocketAddress address;
    private final URI controlUrl;

    private GatewayProcess(Process process, InetSocketAddress address, URI controlUrl) {
        this.process = process;
        this.address = address;
        this.controlUrl = controlUrl;
    }

    /**
     * Starts {@code bin/aegis gateway --config configFile} with {@code javaOptions} added to the
     * launcher's flags, and returns once both the proxy and the control API are up. Its output goes to
     * {@code log}.
     */
    static GatewayProcess start(Path home, Path configFile, String javaOptions, Path log)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of(home.resolve("bin/aegis").toString(), "gateway",
                "--config", configFile.toString()));
        builder.environment().put("AEGIS_JAVA_OPTS", javaOptions);
        builder.redirectError(log.toFile());
        Process process = builder.start();
        // A gateway left behind by an interrupted benchmark would hold the machine's cores.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        InetSocketAddress address = null;
        URI controlUrl = null;
        // readLine blocks: a gateway that hangs before it is ready is killed, which ends its output.
        java.util.concurrent.atomic.AtomicBoolean ready = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CompletableFuture.delayedExecutor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS).execute(() -> {
            if (!ready.get()) {
                process.destroyForcibly();
            }
        });
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(LISTENING)) {
                URI url = URI.create(line.substring(LISTENING.length()).split(" ", 2)[0]);
                address = new InetSocketAddress(url.getHost(), url.getPort());
            } else if (line.startsWith(CONTROL_READY) && address != null) {
                controlUrl = URI.create(line.substring(CONTROL_READY.length()).split(" ", 2)[0]);
                break;
            }
        }
        if (address == null || line == null || !process.isAlive()) {
            process.destroyForcibly();
            throw new IOException("the gateway exited, or was not ready within " + START_TIMEOUT_SECONDS + " s; see " + log);
        }
        ready.set(true);
        // Nothing more is read from its standard output; drain it so a chatty gateway never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                out.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
                // the process ended
            }
        }, "bench-gateway-stdout");
        drain.setDaemon(true);
        drain.start();
        return new GatewayProcess(process, address, controlUrl);
    }

    InetSocketAddress address() {
        return address;
    }

    /** The control API's base URL ({@code http://127.0.0.1:PORT}). */
    URI controlUrl() {
        return controlUrl;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
