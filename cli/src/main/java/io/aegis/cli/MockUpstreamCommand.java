package io.aegis.cli;

import io.aegis.gateway.config.MockUpstreamSettings;
import io.aegis.mock.FaultPlan;
import io.aegis.mock.MockOptions;
import io.aegis.mock.MockUpstream;
import io.aegis.natives.NetworkTransport;
import io.aegis.natives.NetworkTransports;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.List;

/** {@code aegis mock-upstream}: the Anthropic and Gemini stand-in on its own, or in process for a config that asks. */
final class MockUpstreamCommand {
    private MockUpstreamCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        CommandOptions options = new CommandOptions(args);
        int port = (int) options.longValue("--port", -1, 0, 65535);
        if (port < 0) {
            throw new UsageException("--port N is required (0 picks a free port)");
        }
        String host = options.value("--host");
        long latency = options.longValue("--latency-ms", 0, 0, 600_000);
        long chunkDelay = options.longValue("--chunk-delay-ms", 0, 0, 600_000);
        long retryAfter = options.longValue("--retry-after-ms", MockOptions.DEFAULT_RETRY_AFTER_MS, 0, 600_000);
        long seed = options.longValue("--seed", 1, Long.MIN_VALUE, Long.MAX_VALUE);
        String faults = options.value("--faults");
        int threads = (int) options.longValue("--threads", Runtime.getRuntime().availableProcessors(), 1, 256);
        options.rejectLeftovers();
        FaultPlan plan;
        try {
            plan = FaultPlan.parse(faults, seed);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        NetworkTransport transport = NetworkTransports.select("auto");
        NetworkTransports.logChoice(transport);
        InetSocketAddress listen = new InetSocketAddress(host == null ? "127.0.0.1" : host, port);
        try {
            MockUpstream mock = MockUpstream.start(transport, listen,
                    new MockOptions(latency, chunkDelay, retryAfter, plan), threads);
            out.println("mock upstream listening on " + mock.baseUrl());
            out.flush();
            Services.runUntilShutdown(mock, out);
            return AegisMain.EXIT_OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AegisMain.EXIT_OK;
        } catch (RuntimeException e) {
            err.println("aegis mock-upstream: cannot listen on " + listen + ": " + e.getMessage());
            return AegisMain.EXIT_USAGE;
        }
    }

    /** The mock a config's {@code mock_upstream:} asks for (the demo's), on one event loop of its own. */
    static MockUpstream startInProcess(MockUpstreamSettings settings) throws InterruptedException {
        MockOptions options = new MockOptions(settings.latencyMs(), settings.chunkDelayMs(),
                MockOptions.DEFAULT_RETRY_AFTER_MS, FaultPlan.parse(settings.faults(), 1));
        return MockUpstream.start(NetworkTransports.select("auto"), settings.listen().toSocketAddress(), options, 1);
    }
}
