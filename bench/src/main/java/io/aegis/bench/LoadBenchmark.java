package io.aegis.bench;

import io.aegis.wire.KeyDigest;
import io.aegis.gateway.config.ConfigLoader;
import io.aegis.mock.FaultPlan;
import io.aegis.mock.MockOptions;
import io.aegis.mock.MockUpstream;
import io.aegis.natives.NetworkTransport;
import io.aegis.natives.NetworkTransports;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The end-to-end latency benchmark: the mock upstream and an open-loop client in this JVM, the
 * gateway in front of the mock in a process of its own ({@code bin/aegis gateway}, as deployed); the
 * same load runs against the mock directly (the baseline) and through the gateway, for non-stream
 * and stream requests, and the through/direct ratios are printed.
 */
public final class LoadBenchmark {
    private static final String VIRTUAL_KEY = "aegis-bench-key";
    /** A second tenant's key, whose answers are scanned (tagged, e-mail redacted, cards blocked) and restored. */
    private static final String ANSWERS_KEY = "aegis-bench-answers-key";
    /** Warm-up alternates between the paths this many times. */
    private static final int WARMUP_ROUNDS = 2;
    /** The same request through the OpenAI-compatible endpoint. */
    private static final String OPENAI_BODY = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":256,%s"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Write a haiku about gateways that keep secrets, "
            + "count tokens exactly and never drop a trace event.\"}]}";
    private static final String BODY = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":256,%s"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Write a haiku about gateways that keep secrets, "
            + "count tokens exactly and never drop a trace event.\"}]}";

    /** Four rules on every request's path, none denying the benchmark's traffic (shared with ExchangeBenchmark). */
    static final String RULES = String.join("\n",
            "version: 1",
            "rules:",
            "  - id: no-cards-to-gemini",
            "    when: provider == \"gemini\" && pii.has(\"CREDIT_CARD\")",
            "    action: deny",
            "  - id: redact-contact-data",
            "    when: pii.any([\"EMAIL\", \"PHONE\"])",
            "    action: redact",
            "    types: [EMAIL, PHONE]",
            "  - id: opus-is-for-research",
            "    when: model.startsWith(\"claude-opus\") && tenant != \"research\"",
            "    action: route",
            "    model: claude-sonnet-4-6",
            "  - id: tag-bench",
            "    when: tenant == \"bench\"",
            "    action: tag",
            "    tags: [bench]",
            "");

    /** The budget cluster's members when measuring with a fleet ({@code --fleet on}). */
    private static final List<String> FLEET_MEMBERS = List.of("127.0.0.1:21200", "127.0.0.1:21210", "127.0.0.1:21220");

    private LoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        if (options == null) {
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        NetworkTransport transport = NetworkTransports.select(options.transport);
        EventLoopGroup mockLoops = transport.newEventLoopGroup(options.mockThreads, "bench-mock");
        EventLoopGroup clientLoop = transport.newEventLoopGroup(1, "bench-client");
        MockOptions mockOptions = new MockOptions(options.mockLatencyMs, 0, MockOptions.DEFAULT_RETRY_AFTER_MS,
                FaultPlan.none());
        MockUpstream mock = MockUpstream.start(transport, mockLoops, false, new InetSocketAddress("127.0.0.1", 0), mockOptions);
        // The failover target: configured, healthy, and idle unless the first one fails.
        MockUpstream failover = MockUpstream.start(transport, mockLoops, false, new InetSocketAddress("127.0.0.1", 0),
                mockOptions);
        Path dir = Files.createTempDirectory("aegis-bench");
        Path home = Path.of(System.getProperty("aegis.home", ".")).toAbsolutePath().normalize();
        GatewayProcess gateway;
        GatewayProcess compared = null;
        GatewayProcess fleetGateway = null;
        List<io.aegis.fleet.FleetNode> fleetNodes = new ArrayList<>();
        try {
            gateway = GatewayProcess.start(home, config(dir, home, mock.baseUrl(), failover.baseUrl(), options),
                    options.gatewayJavaOptions, dir.resolve("gateway.log"));
            if (options.compareHome != null) {
                // Another build of the gateway (an earlier commit's checkout), measured in the same rounds.
                Path otherDir = Files.createDirectories(dir.resolve("compared"));
                compared = GatewayProcess.start(Path.of(options.compareHome).toAbsolutePath().normalize(),
                        config(otherDir, home, mock.baseUrl(), failover.baseUrl(), options), options.gatewayJavaOptions,
                        otherDir.resolve("gateway.log"));
            }
            if (options.fleet) {
                // A three-member budget cluster on loopback in this JVM, and a gateway that shares the same
                // tenants' budgets and per-minute limits through it, measured in the same rounds.
                for (int n = 0; n < FLEET_MEMBERS.size(); n++) {
                    fleetNodes.add(io.aegis.fleet.FleetNode.start(FLEET_MEMBERS, n, dir.resolve("cluster-" + n)));
                }
                Path fleetDir = Files.createDirectories(dir.resolve("fleet-gateway"));
                Path fleetConfig = config(fleetDir, home, mock.baseUrl(), failover.baseUrl(), options);
                Files.writeString(fleetConfig, Files.readString(fleetConfig) + "fleet: { cluster: [\""
                        + String.join("\", \"", FLEET_MEMBERS) + "\"], gateway_id: bench-fleet }\n");
                fleetGateway = GatewayProcess.start(home, fleetConfig, options.gatewayJavaOptions,
                        fleetDir.resolve("gateway.log"));
            }
        } catch (Exception e) {
            mock.close();
            failover.close();
            fleetNodes.forEach(org.agrona.CloseHelper::quietClose);
            throw e;
        }
        DashboardWatcher watcher = options.dashboard
                ? new DashboardWatcher(gateway.controlUrl(), dir.resolve("data").resolve("admin.token")) : null;
        try {
            System.out.printf(Locale.ROOT, "aegis load benchmark: %d req/s, %d s warm-up + %d s measured per path "
                            + "in %d alternating rounds, "
                            + "mock first-byte latency %d ms, %d output tokens, transport %s, gateway loops %d "
                            + "(own process, JVM options '%s'), %d cores, stages: %s%n", options.rate, options.warmupSeconds, options.seconds, options.rounds,
                    options.mockLatencyMs,
                    options.outputTokens, transport.name(), options.gatewayThreads, options.gatewayJavaOptions,
                    Runtime.getRuntime().availableProcessors(), options.allStages
                            ? "rules, PII, cost (budget and limits), trace queue, retries, circuit breaker, failover target"
                            : "proxy only");
            List<String[]> rows = new ArrayList<>();
            List<String> perRound = new ArrayList<>();
            for (boolean stream : new boolean[] {false, true}) {
                OpenLoopClient direct = new OpenLoopClient(clientLoop.next(), transport, mock.address());
                OpenLoopClient through = new OpenLoopClient(clientLoop.next(), transport, gateway.address());
                OpenLoopClient other = compared == null ? null
                        : new OpenLoopClient(clientLoop.next(), transport, compared.address());
                OpenLoopClient shared = fleetGateway == null ? null
                        : new OpenLoopClient(clientLoop.next(), transport, fleetGateway.address());
                // Streams again with the answer scanned, to set its first-token time against the same gateway's
                // without (the hold-back's cost is in the first token), in the same rounds.
                OpenLoopClient scanned = stream && options.allStages
                        ? new OpenLoopClient(clientLoop.next(), transport, gateway.address()) : null;
                // The same request through the OpenAI-compatible endpoint of the same gateway, in the same rounds.
                OpenLoopClient openAi = new OpenLoopClient(clientLoop.next(), transport, gateway.address());
                // Both paths are warmed in the same alternating pattern they are then measured in, so the
                // switch between paths (an idle gateway, fresh client connections, a pool that must grow
                // again) has been compiled for before it counts; measuring in alternating rounds makes
                // drift (GC, neighbours) fall on both alike.
                int warmupRoundSeconds = Math.max(1, options.warmupSeconds / WARMUP_ROUNDS);
                for (int round = 0; round < WARMUP_ROUNDS; round++) {
                    run(direct, "mock-provider-key", stream, options, warmupRoundSeconds, 0);
                    run(through, VIRTUAL_KEY, stream, options, warmupRoundSeconds, 0);
                    if (other != null) {
                        run(other, VIRTUAL_KEY, stream, options, warmupRoundSeconds, 0);
                    }
                    if (shared != null) {
                        run(shared, VIRTUAL_KEY, stream, options, warmupRoundSeconds, 0);
                    }
                    if (scanned != null) {
                        run(scanned, ANSWERS_KEY, stream, options, warmupRoundSeconds, 0);
                    }
                    runOpenAi(openAi, stream, options, warmupRoundSeconds, 0);
                }
                OpenLoopClient.Result openAiAll = null;
                double[] openAiRatios = new double[options.rounds];
                OpenLoopClient.Result scannedAll = null;
                double[] tokenRatios50 = new double[options.rounds];
                double[] tokenRatios99 = new double[options.rounds];
                OpenLoopClient.Result baseline = null;
                OpenLoopClient.Result proxied = null;
                OpenLoopClient.Result otherBuild = null;
                double[] roundRatios = new double[options.rounds];
                double[] otherRatios = new double[options.rounds];
                double[] buildRatios = new double[options.rounds];
                OpenLoopClient.Result watchedAll = null;
                double[] watchedRatios = new double[options.rounds];
                OpenLoopClient.Result sharedAll = null;
                double[] sharedRatios50 = new double[options.rounds];
                double[] sharedRatios99 = new double[options.rounds];
                int roundSeconds = Math.max(1, options.seconds / options.rounds);
                for (int round = 0; round < options.rounds; round++) {
                    OpenLoopClient.Result directRound = run(direct, "mock-provider-key", stream, options, 0, roundSeconds);
                    OpenLoopClient.Result throughRound = run(through, VIRTUAL_KEY, stream, options, 0, roundSeconds);
                    roundRatios[round] = ratio(throughRound.total(), directRound.total(), 99);
                    if (shared != null) {
                        OpenLoopClient.Result sharedRound = run(shared, VIRTUAL_KEY, stream, options, 0, roundSeconds);
                        sharedRatios50[round] = ratio(sharedRound.total(), throughRound.total(), 50);
                        sharedRatios99[round] = ratio(sharedRound.total(), throughRound.total(), 99);
                        sharedAll = merge(sharedAll, sharedRound);
                    }
                    if (watcher != null) {
                        // The same gateway and load with an operator's page open on its control API.
                        watcher.watching(true);
                        OpenLoopClient.Result watchedRound = run(through, VIRTUAL_KEY, stream, options, 0, roundSeconds);
                        watcher.watching(false);
                        watchedRatios[round] = ratio(watchedRound.total(), throughRound.total(), 99);
                        watchedAll = merge(watchedAll, watchedRound);
                    }
                    if (other != null) {
                        OpenLoopClient.Result otherRound = run(other, VIRTUAL_KEY, stream, options, 0, roundSeconds);
                        otherRatios[round] = ratio(otherRound.total(), directRound.total(), 99);
                        buildRatios[round] = ratio(throughRound.total(), otherRound.total(), 99);
                        otherBuild = merge(otherBuild, otherRound);
                    }
                    if (scanned != null) {
                        OpenLoopClient.Result scannedRound = run(scanned, ANSWERS_KEY, stream, options, 0, roundSeconds);
                        tokenRatios50[round] = ratio(scannedRound.firstToken(), throughRound.firstToken(), 50);
                        tokenRatios99[round] = ratio(scannedRound.firstToken(), throughRound.firstToken(), 99);
                        scannedAll = merge(scannedAll, scannedRound);
                    }
                    OpenLoopClient.Result openAiRound = runOpenAi(openAi, stream, options, 0, roundSeconds);
                    openAiRatios[round] = ratio(openAiRound.total(), throughRound.total(), 99);
                    openAiAll = merge(openAiAll, openAiRound);
                    baseline = merge(baseline, directRound);
                    proxied = merge(proxied, throughRound);
                }
                perRound.add(String.format(Locale.ROOT, "%s p99 OpenAI endpoint / native endpoint per round: %s",
                        stream ? "stream" : "non-stream", formatRatios(openAiRatios)));
                if (scanned != null) {
                    perRound.add("stream first token, answers scanned / not scanned, p50 per round: "
                            + formatRatios(tokenRatios50));
                    perRound.add("stream first token, answers scanned / not scanned, p99 per round: "
                            + formatRatios(tokenRatios99));
                }
                if (shared != null) {
                    perRound.add(String.format(Locale.ROOT, "%s p50 fleet-shared / own budgets per round: %s",
                            stream ? "stream" : "non-stream", formatRatios(sharedRatios50)));
                    perRound.add(String.format(Locale.ROOT, "%s p99 fleet-shared / own budgets per round: %s",
                            stream ? "stream" : "non-stream", formatRatios(sharedRatios99)));
                }
                if (watcher != null) {
                    perRound.add(String.format(Locale.ROOT, "%s p99 dashboard open / closed per round: %s",
                            stream ? "stream" : "non-stream", formatRatios(watchedRatios)));
                }
                perRound.add(String.format(Locale.ROOT, "%s p99 through/direct per round: %s",
                        stream ? "stream" : "non-stream", formatRatios(roundRatios)));
                if (other != null) {
                    perRound.add(String.format(Locale.ROOT, "%s p99 compared build/direct per round: %s",
                            stream ? "stream" : "non-stream", formatRatios(otherRatios)));
                    perRound.add(String.format(Locale.ROOT, "%s p99 this build/compared build per round: %s",
                            stream ? "stream" : "non-stream", formatRatios(buildRatios)));
                }
                String kind = stream ? "stream" : "non-stream";
                rows.add(row(kind + " direct", baseline, null, stream));
                rows.add(row(kind + " through gateway", proxied, baseline, stream));
                rows.add(row(kind + " through gateway, OpenAI endpoint", openAiAll, baseline, stream));
                if (watchedAll != null) {
                    rows.add(row(kind + " through gateway, dashboard open", watchedAll, baseline, stream));
                }
                if (sharedAll != null) {
                    rows.add(row(kind + " through gateway, fleet-shared budgets", sharedAll, baseline, stream));
                }
                if (scannedAll != null) {
                    rows.add(row(kind + " through gateway, answers scanned", scannedAll, baseline, stream));
                }
                if (other != null) {
                    rows.add(row(kind + " through compared", otherBuild, baseline, stream));
                }
            }
            print(rows);
            // A single stall (a JIT recompilation, a GC, a neighbour on the host) moves a pooled p99; the
            // rounds show whether the ratio is steady or one round carries it.
            perRound.forEach(System.out::println);
            if (watcher != null) {
                System.out.printf(Locale.ROOT, "dashboard: %d control API requests while open, %d failed%n",
                        watcher.polls(), watcher.failures());
            }
            if (options.capacitySeconds > 0) {
                capacity(options, transport, clientLoop, mock, gateway, compared);
            }
        } finally {
            if (watcher != null) {
                watcher.close();
            }
            gateway.close();
            if (compared != null) {
                compared.close();
            }
            if (fleetGateway != null) {
                fleetGateway.close();
            }
            fleetNodes.forEach(org.agrona.CloseHelper::quietClose);
            mock.close();
            failover.close();
            clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            mockLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            deleteTree(dir); // the gateway's trace queue and data: tens of MB a run
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Closed-loop capacity of the mock alone and through the gateway, non-stream. */
    private static void capacity(Options options, NetworkTransport transport, EventLoopGroup clientLoop,
                                 MockUpstream mock, GatewayProcess gateway, GatewayProcess compared)
            throws InterruptedException {
        ByteBuf body = Unpooled.copiedBuffer(String.format(Locale.ROOT, BODY, ""), StandardCharsets.UTF_8);
        try {
            ClosedLoopClient.Result direct = new ClosedLoopClient(clientLoop.next(), transport, mock.address())
                    .run("/v1/messages", headers("mock-provider-key", options), body, options.capacityConnections,
                            options.warmupSeconds, options.capacitySeconds);
            ClosedLoopClient.Result through = new ClosedLoopClient(clientLoop.next(), transport,
                    gateway.address()).run("/v1/messages", headers(VIRTUAL_KEY, options), body,
                    options.capacityConnections, options.warmupSeconds, options.capacitySeconds);
            System.out.printf(Locale.ROOT, "%ncapacity, closed loop, %d connections, %d s, non-stream "
                    + "(client, mock and gateway share the machine's cores):%n", options.capacityConnections,
                    options.capacitySeconds);
            System.out.printf(Locale.ROOT, "  mock alone        %10.0f req/s  (%d errors)%n", direct.perSecond(), direct.errors());
            System.out.printf(Locale.ROOT, "  through gateway   %10.0f req/s  (%d errors)  %.2fx of the mock alone%n",
                    through.perSecond(), through.errors(), through.perSecond() / Math.max(1, direct.perSecond()));
            if (compared != null) {
                ClosedLoopClient.Result other = new ClosedLoopClient(clientLoop.next(), transport,
                        compared.address()).run("/v1/messages", headers(VIRTUAL_KEY, options), body,
                        options.capacityConnections, options.warmupSeconds, options.capacitySeconds);
                System.out.printf(Locale.ROOT, "  through compared  %10.0f req/s  (%d errors)  %.2fx of the mock alone%n",
                        other.perSecond(), other.errors(), other.perSecond() / Math.max(1, direct.perSecond()));
            }
        } finally {
            body.release();
        }
    }

    private static HttpHeaders headers(String key, Options options) {
        return headers(key, options.outputTokens);
    }

    /** An Anthropic request's headers with {@code key}, asking the mock for {@code outputTokens} words. */
    static HttpHeaders headers(String key, int outputTokens) {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set("host", "127.0.0.1");
        headers.set("content-type", "application/json");
        headers.set("anthropic-version", "2023-06-01");
        headers.set("x-api-key", key);
        headers.set("x-mock-output-tokens", String.valueOf(outputTokens));
        return headers;
    }

    private static OpenLoopClient.Result merge(OpenLoopClient.Result into, OpenLoopClient.Result add) {
        if (into == null) {
            return add;
        }
        into.total().add(add.total());
        into.firstByte().add(add.firstByte());
        into.firstToken().add(add.firstToken());
        return new OpenLoopClient.Result(into.total(), into.firstByte(), into.firstToken(), into.errors() + add.errors(),
                into.connections() + add.connections());
    }

    private static OpenLoopClient.Result run(OpenLoopClient client, String key, boolean stream, Options options,
                                             int warmupSeconds, int measuredSeconds) throws InterruptedException {
        HttpHeaders headers = headers(key, options);
        ByteBuf body = Unpooled.copiedBuffer(String.format(Locale.ROOT, BODY, stream ? "\"stream\":true," : ""),
                StandardCharsets.UTF_8);
        try {
            return client.run("/v1/messages", headers, body, options.rate, options.rate * warmupSeconds,
                    options.rate * measuredSeconds);
        } finally {
            body.release();
        }
    }

    /** Writes the gateway's config into {@code dir} and returns its path. */
    private static Path config(Path dir, Path home, String mockUrl, String failoverUrl, Options options)
            throws Exception {
        Path file = dir.resolve("bench.yaml");
        String keyHash = "sha256:" + KeyDigest.hex(KeyDigest.current().sha256(VIRTUAL_KEY).clone());
        List<String> lines = new ArrayList<>(List.of(
                "gateway: { listen: \"127.0.0.1:0\", event_loops: " + options.gatewayThreads
                        + ", transport: " + options.transport + " }",
                "control: { listen: \"127.0.0.1:0\" }",
                "data_dir: \"" + dir.resolve("data") + "\"",
                "pii: \"" + home.resolve("configs/pii.yaml") + "\"",
                "pricing: \"" + home.resolve("configs/pricing.yaml") + "\""));
        if (options.allStages) {
            // Every stage on the request path: rules (evaluated, none denies this traffic), the PII scan
            // with a redacting policy, budget and per-minute limits, the trace queue, and a failover target.
            Path rules = dir.resolve("rules.yaml");
            Files.writeString(rules, RULES);
            lines.addAll(List.of(
                    "rules: [\"" + rules + "\"]",
                    "trace: { queue_dir: \"" + dir.resolve("trace") + "\" }",
                    "providers:",
                    "  anthropic:",
                    "    base_url: \"" + mockUrl + "\"",
                    "    api_key: \"mock-provider-key\"",
                    "    retries: { max_attempts: 3 }",
                    "    circuit: { failure_ratio: 0.5, min_requests: 20 }",
                    "    failover: [\"" + failoverUrl + "\"]",
                    "tenants:",
                    "  - id: bench",
                    "    keys: [\"" + keyHash + "\"]",
                    "    pii_policy: { EMAIL: redact, CREDIT_CARD: block }",
                    "    budget: { usd_per_day: 1000000 }",
                    "    limits: { requests_per_minute: 10000000, tokens_per_minute: 1000000000 }",
                    "  - id: bench-answers",
                    "    keys: [\"sha256:" + KeyDigest.hex(KeyDigest.current().sha256(ANSWERS_KEY).clone()) + "\"]",
                    "    pii_policy: { EMAIL: redact, CREDIT_CARD: block, restore: true,",
                    "                  response: { default: tag, EMAIL: redact, CREDIT_CARD: block } }",
                    "    budget: { usd_per_day: 1000000 }",
                    "    limits: { requests_per_minute: 10000000, tokens_per_minute: 1000000000 }"));
        } else {
            lines.addAll(List.of(
                    "rules: []",
                    "providers:",
                    "  anthropic: { base_url: \"" + mockUrl + "\", api_key: \"mock-provider-key\" }",
                    "tenants:",
                    "  - id: bench",
                    "    keys: [\"" + keyHash + "\"]"));
        }
        lines.add("");
        Files.writeString(file, String.join("\n", lines));
        // Checked here so that a mistake is reported as the config's, not as a gateway that did not start.
        ConfigLoader.load(file, home, name -> null);
        return file;
    }

    private static OpenLoopClient.Result runOpenAi(OpenLoopClient client, boolean stream, Options options,
                                                   int warmupSeconds, int measuredSeconds) throws InterruptedException {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set("content-type", "application/json");
        headers.set("authorization", "Bearer " + VIRTUAL_KEY);
        headers.set("x-mock-output-tokens", String.valueOf(options.outputTokens));
        ByteBuf body = Unpooled.copiedBuffer(String.format(Locale.ROOT, OPENAI_BODY, stream ? "\"stream\":true," : ""),
                StandardCharsets.UTF_8);
        try {
            return client.run("/v1/chat/completions", headers, body, options.rate, options.rate * warmupSeconds,
                    options.rate * measuredSeconds);
        } finally {
            body.release();
        }
    }

    private static String[] row(String name, OpenLoopClient.Result result, OpenLoopClient.Result baseline,
                                boolean stream) {
        Histogram h = result.total();
        String ratio = "";
        if (baseline != null) {
            Histogram b = baseline.total();
            ratio = String.format(Locale.ROOT, "%.2fx / %.2fx / %.2fx",
                    ratio(h, b, 50), ratio(h, b, 99), ratio(h, b, 99.9));
        }
        String ttfb = stream ? ms(result.firstToken().getValueAtPercentile(99)) : "";
        return new String[] {name, String.valueOf(h.getTotalCount()), ms(h.getValueAtPercentile(50)),
            ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), ttfb,
            String.valueOf(result.errors()), ratio};
    }

    /** Each round's ratio, then their median: one stalled round moves the pooled p99, not the median. */
    private static String formatRatios(double[] ratios) {
        StringBuilder out = new StringBuilder();
        for (double r : ratios) {
            out.append(out.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2fx", r));
        }
        double[] sorted = ratios.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return out.append(String.format(Locale.ROOT, " (median %.2fx)", median)).toString();
    }

    private static double ratio(Histogram through, Histogram direct, double percentile) {
        return (double) through.getValueAtPercentile(percentile) / Math.max(1, direct.getValueAtPercentile(percentile));
    }

    private static String ms(long micros) {
        return String.format(Locale.ROOT, "%.3f", micros / 1000.0);
    }

    private static void print(List<String[]> rows) {
        String format = "%-40s %8s %9s %9s %9s %9s %11s %6s  %s%n";
        System.out.printf(Locale.ROOT, format, "run", "requests", "p50 ms", "p99 ms", "p99.9 ms", "max ms",
                "1st token p99", "errors", "through/direct p50 / p99 / p99.9");
        for (String[] row : rows) {
            System.out.printf(Locale.ROOT, format, (Object[]) row);
        }
    }

    /** Command-line options. */
    private static final class Options {
        static final String USAGE = "usage: LoadBenchmark [--rate N] [--seconds N] [--warmup-seconds N] "
                + "[--mock-latency-ms N] [--output-tokens N] [--gateway-threads N] [--gateway-java-options \"FLAGS\"] "
                + "[--mock-threads N] "
                + "[--rounds N] [--transport auto|epoll|io_uring|nio] [--stages all|proxy] "
                + "[--capacity-connections N] [--capacity-seconds N (0: skip)] "
                + "[--compare-home DIR (another build's checkout, measured in the same rounds)] "
                + "[--dashboard on (also measure the gateway with an operator's dashboard page open)] "
                + "[--fleet on (also measure a gateway whose budgets and limits a three-member budget cluster shares)]";
        int rate = 1000;
        int seconds = 30;
        int warmupSeconds = 10;
        long mockLatencyMs = 0;
        int outputTokens = 32;
        int gatewayThreads = 1;
        /** Added to the launcher's JVM flags for the gateway process; none by default: the product as shipped. */
        String gatewayJavaOptions = "";
        int mockThreads = 1;
        int rounds = 6;
        String transport = "auto";
        boolean allStages = true;
        int capacityConnections = 64;
        int capacitySeconds = 10;
        /** The project root of another build to measure beside this one, or {@code null}. */
        String compareHome;
        /** Also measure the gateway while a dashboard page polls its control API, in the same rounds. */
        boolean dashboard;
        /** Also measure a second gateway whose budgets and limits a budget cluster in this JVM shares. */
        boolean fleet;

        static Options parse(String[] args) {
            Options options = new Options();
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    return null;
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--rate": options.rate = Integer.parseInt(value); break;
                    case "--seconds": options.seconds = Integer.parseInt(value); break;
                    case "--warmup-seconds": options.warmupSeconds = Integer.parseInt(value); break;
                    case "--mock-latency-ms": options.mockLatencyMs = Long.parseLong(value); break;
                    case "--output-tokens": options.outputTokens = Integer.parseInt(value); break;
                    case "--gateway-threads": options.gatewayThreads = Integer.parseInt(value); break;
                    case "--gateway-java-options": options.gatewayJavaOptions = value; break;
                    case "--mock-threads": options.mockThreads = Integer.parseInt(value); break;
                    case "--transport": options.transport = value; break;
                    case "--rounds": options.rounds = Math.max(1, Integer.parseInt(value)); break;
                    case "--stages":
                        if (!value.equals("all") && !value.equals("proxy")) {
                            return null;
                        }
                        options.allStages = value.equals("all");
                        break;
                    case "--capacity-connections": options.capacityConnections = Integer.parseInt(value); break;
                    case "--capacity-seconds": options.capacitySeconds = Integer.parseInt(value); break;
                    case "--compare-home": options.compareHome = value; break;
                    case "--dashboard": options.dashboard = value.equals("on"); break;
                    case "--fleet": options.fleet = value.equals("on"); break;
                    default: return null;
                }
            }
            return options;
        }
    }
}
