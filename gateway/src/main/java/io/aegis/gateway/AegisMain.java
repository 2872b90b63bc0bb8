package io.aegis.gateway;

import io.aegis.gateway.auth.KeyDigest;
import io.aegis.gateway.config.AegisConfig;
import io.aegis.trace.drain.DrainerService;
import io.aegis.gateway.config.ConfigException;
import io.aegis.gateway.config.ConfigLoader;
import io.aegis.gateway.control.ControlApi;
import io.aegis.gateway.config.ListenAddress;
import io.aegis.gateway.mock.FaultPlan;
import io.aegis.gateway.mock.MockOptions;
import io.aegis.gateway.mock.MockUpstream;
import io.aegis.gateway.proxy.ExchangeListener;
import io.aegis.natives.NetworkTransport;
import io.aegis.natives.NetworkTransports;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code aegis} command (SPEC §2). Exit codes: 0 success, 1 a check failed, 2 bad usage or
 * unreadable input.
 */
public final class AegisMain {
    static final int EXIT_OK = 0;
    static final int EXIT_USAGE = 2;

    private static final String USAGE = String.join(System.lineSeparator(),
            "usage: aegis COMMAND [options]",
            "",
            "  run [--config FILE]            gateway (and, as they land, control API and drainer)",
            "  gateway --config FILE          gateway without the drainer",
            "  mock-upstream --port N [--host H] [--latency-ms N] [--chunk-delay-ms N]",
            "                [--faults SPEC] [--retry-after-ms N] [--seed N]",
            "                                 local Anthropic + Gemini stand-in",
            "  hash-key                       read a virtual key on stdin, print sha256:<hex> for config",
            "  drain [--config F]             the AITrace drainer: aggregates the trace queue, /metrics",
            "  tail [--queue DIR | --config F] [--follow] [--where EXPR] [--json]",
            "                                 print trace events (lines, or SPEC JSON); --where is CEL",
            "  rules check FILE...            compile rule files; every problem as FILE:LINE:COL: message",
            "  rules test FILE... --cases CASES.yaml",
            "                                 run expected-decision cases",
            "  rules eval FILE...             decide request descriptions (JSON lines on stdin)",
            "  pii scan [--jsonl] [--catalogue FILE]",
            "                                 find PII in text on stdin (offsets in UTF-16 code units)",
            "",
            "FILE defaults to configs/aegis.yaml under the project root.",
            "Fault SPEC: comma-separated NAME or NAME@SHARE, NAME one of: " + io.aegis.gateway.mock.MockFault.names());

    private AegisMain() {
    }

    public static void main(String[] args) {
        int code = run(args, System.in, System.out, System.err);
        if (code != EXIT_OK) {
            System.exit(code);
        }
    }

    /** Runs a command; long-running commands return only when stopped. */
    static int run(String[] args, java.io.InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            (args.length == 0 ? err : out).println(USAGE);
            return args.length == 0 ? EXIT_USAGE : EXIT_OK;
        }
        List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
        try {
            switch (args[0]) {
                case "run":
                case "gateway":
                    return gateway(args[0], rest, out, err);
                case "mock-upstream":
                    return mockUpstream(rest, out, err);
                case "hash-key":
                    return hashKey(in, out, err);
                case "pii":
                    if (!rest.isEmpty() && rest.get(0).equals("scan")) {
                        return io.aegis.gateway.cli.PiiScanCommand.run(rest.subList(1, rest.size()), projectRoot(),
                                in, out, err);
                    }
                    err.println("aegis pii: usage: aegis pii scan [--jsonl] [--catalogue FILE]");
                    return EXIT_USAGE;
                case "rules":
                    return io.aegis.gateway.cli.RulesCommand.run(rest, projectRoot(), in, out, err);
                case "tail":
                    return io.aegis.gateway.cli.TailCommand.run(rest, projectRoot(), out, err, () -> false);
                case "drain":
                    return drain(rest, out, err);
                default:
                    err.println("aegis: unknown command '" + args[0] + "'");
                    err.println(USAGE);
                    return EXIT_USAGE;
            }
        } catch (UsageException e) {
            err.println("aegis " + args[0] + ": " + e.getMessage());
            return EXIT_USAGE;
        }
    }

    private static int gateway(String command, List<String> args, PrintStream out, PrintStream err) {
        Options options = new Options(args);
        Path root = projectRoot();
        String configArg = options.value("--config");
        if (configArg == null && command.equals("gateway")) {
            throw new UsageException("--config FILE is required");
        }
        options.rejectLeftovers();
        Path configFile = configArg == null ? root.resolve("configs/aegis.yaml") : Path.of(configArg);
        AegisConfig config = loadConfig(configFile, root, err);
        if (config == null) {
            return EXIT_USAGE;
        }
        try {
            GatewayRuntime runtime = GatewayRuntime.start(config, ExchangeListener.NONE);
            NetworkTransports.logChoice(runtime.transport());
            warnAboutMissingProviderKeys(config, err);
            if (runtime.mock() != null) {
                out.println("mock upstream listening on " + runtime.mock().baseUrl());
            }
            out.println("aegis gateway listening on " + runtime.server().baseUrl() + " (auth "
                    + config.authMode().name().toLowerCase(java.util.Locale.ROOT) + ", config " + configFile + ")");
            ControlApi control;
            try {
                control = ControlApi.start(config, runtime, System::getenv);
            } catch (ConfigException | java.io.IOException | RuntimeException e) {
                runtime.close();
                throw e;
            }
            out.println("aegis control API on " + control.baseUrl(config) + " (config version "
                    + control.service().current().version() + ", admin token from " + control.tokenSource() + ")");
            out.flush();
            AutoCloseable service = () -> {
                control.close();
                runtime.close();
            };
            if (command.equals("run")) {
                // `aegis run` drains its own queue in process; `aegis gateway` leaves that to `aegis drain`.
                DrainerService drainer;
                try {
                    drainer = startDrainer(config, out);
                } catch (java.io.IOException | RuntimeException e) {
                    control.close();
                    runtime.close();
                    err.println("aegis run: cannot start the trace drainer: " + e.getMessage());
                    return EXIT_USAGE;
                }
                // Sampling changed through the control API reaches the in-process drainer at once.
                control.plane().samplingSink(drainer::sampling);
                drainer.sampling(control.plane().currentSampling());
                service = () -> {
                    control.close();
                    runtime.close();
                    drainer.close();
                };
            }
            runUntilShutdown(service, out);
            return EXIT_OK;
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return EXIT_USAGE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_OK;
        } catch (Exception e) {
            // Netty rethrows bind failures (address in use) unchecked-style; TLS set-up fails with SSLException.
            err.println("aegis " + command + ": cannot start on " + config.gateway().listen() + ": " + e);
            return EXIT_USAGE;
        }
    }

    /** In virtual mode a provider without a key answers 500 per request; say so once at start-up. */
    private static void warnAboutMissingProviderKeys(AegisConfig config, PrintStream err) {
        if (config.authMode() != io.aegis.gateway.config.AuthMode.VIRTUAL) {
            return;
        }
        for (io.aegis.gateway.config.ProviderSettings provider : config.providers().values()) {
            if (provider.apiKeys().isEmpty()) {
                err.println("aegis: warning: no " + provider.provider().configName() + " provider key ("
                        + provider.apiKeySource() + " is unset); its requests will get 500 until it is set");
            }
        }
    }

    private static int mockUpstream(List<String> args, PrintStream out, PrintStream err) {
        Options options = new Options(args);
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
        ListenAddress listen = new ListenAddress(host == null ? "127.0.0.1" : host, port);
        try {
            MockUpstream mock = MockUpstream.start(transport, listen,
                    new MockOptions(latency, chunkDelay, retryAfter, plan), threads);
            out.println("mock upstream listening on " + mock.baseUrl());
            out.flush();
            runUntilShutdown(mock, out);
            return EXIT_OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_OK;
        } catch (RuntimeException e) {
            err.println("aegis mock-upstream: cannot listen on " + listen + ": " + e.getMessage());
            return EXIT_USAGE;
        }
    }

    private static int hashKey(java.io.InputStream in, PrintStream out, PrintStream err) {
        try {
            String key = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            if (key == null || key.isBlank()) {
                err.println("aegis hash-key: give the virtual key on stdin, e.g. echo -n KEY | aegis hash-key");
                return EXIT_USAGE;
            }
            out.println("sha256:" + KeyDigest.hex(KeyDigest.current().sha256(key.trim())));
            return EXIT_OK;
        } catch (IOException e) {
            err.println("aegis hash-key: cannot read stdin: " + e.getMessage());
            return EXIT_USAGE;
        }
    }

    /** The project root: {@code -Daegis.home} (set by bin/aegis), else the working directory. */
    /** The config in {@code configFile}, or {@code null} after its problems were printed (with file and line). */
    private static AegisConfig loadConfig(Path configFile, Path root, PrintStream err) {
        try {
            return ConfigLoader.load(configFile, root, System::getenv);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return null;
        }
    }

    static Path projectRoot() {
        String home = System.getProperty("aegis.home");
        return Path.of(home == null || home.isBlank() ? "." : home).toAbsolutePath().normalize();
    }

    /**
     * Blocks until the JVM is asked to stop, then closes {@code service} inside the shutdown hook: the
     * JVM waits for its hooks, not for the main thread, so a graceful drain must run there.
     */
    private static int drain(List<String> args, PrintStream out, PrintStream err) {
        Options options = new Options(args);
        String configArg = options.value("--config");
        options.rejectLeftovers();
        Path root = projectRoot();
        Path configFile = configArg == null ? root.resolve("configs/aegis.yaml") : Path.of(configArg);
        AegisConfig config = loadConfig(configFile, root, err);
        if (config == null) {
            return EXIT_USAGE;
        }
        try {
            runUntilShutdown(startDrainer(config, out), out);
            return EXIT_OK;
        } catch (java.io.IOException e) {
            err.println("aegis drain: " + e.getMessage());
            return EXIT_USAGE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_OK;
        }
    }

    private static DrainerService startDrainer(AegisConfig config, PrintStream out) throws java.io.IOException {
        java.nio.file.Files.createDirectories(config.traceQueueDir());
        var listen = config.drainer().prometheusListen();
        AegisConfig.SamplingSettings sampling = storedSampling(config);
        DrainerService drainer = DrainerService.start(config.traceQueueDir(), config.dataDir().resolve("drainer"),
                listen.host(), listen.port(), config.drainer().otlpEndpoint(),
                new io.aegis.trace.drain.Sampling(sampling.defaultRate(), sampling.tenants(), sampling.tags()),
                java.util.concurrent.TimeUnit.HOURS.toMillis(config.traceRetentionHours()));
        out.println("aegis drainer reading " + config.traceQueueDir() + ", metrics on http://"
                + listen.host() + ":" + drainer.metricsAddress().getPort() + "/metrics");
        out.flush();
        return drainer;
    }

    /**
     * The sampling of the last config version the control API stored, else the config file's: a
     * drainer of its own process picks up sampling changes when it starts.
     */
    private static AegisConfig.SamplingSettings storedSampling(AegisConfig config) throws java.io.IOException {
        java.nio.file.Path versions = config.dataDir().resolve("config");
        if (!java.nio.file.Files.isDirectory(versions)) {
            return config.drainer().sampling();
        }
        List<io.aegis.control.ConfigVersion> stored = new io.aegis.control.ConfigStore(config.dataDir()).versions();
        if (stored.isEmpty()) {
            return config.drainer().sampling();
        }
        io.aegis.control.ConfigVersion last = stored.get(stored.size() - 1);
        try {
            return ConfigLoader.sampling(io.aegis.control.Json.mapper().writeValueAsString(
                    last.document().path("sampling")), versions + " version " + last.version());
        } catch (ConfigException e) {
            throw new java.io.IOException(e.getMessage(), e);
        }
    }

    private static void runUntilShutdown(AutoCloseable service, PrintStream out) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                out.println("aegis: stopping (draining in-flight requests)");
                service.close();
            } catch (Exception e) {
                out.println("aegis: stop failed: " + e.getClass().getName());
            } finally {
                stopped.countDown();
            }
        }, "aegis-shutdown"));
        stopped.await();
    }

    /** A usage error: printed with the command name, exit code 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** {@code --name value} options, each taken at most once. */
    static final class Options {
        private final List<String> args;

        Options(List<String> args) {
            this.args = new ArrayList<>(args);
        }

        String value(String name) {
            int at = args.indexOf(name);
            if (at < 0) {
                return null;
            }
            if (at == args.size() - 1) {
                throw new UsageException(name + " needs a value");
            }
            String value = args.get(at + 1);
            args.remove(at + 1);
            args.remove(at);
            return value;
        }

        long longValue(String name, long fallback, long min, long max) {
            String value = value(name);
            if (value == null) {
                return fallback;
            }
            try {
                long parsed = Long.parseLong(value);
                if (parsed < min || parsed > max) {
                    throw new UsageException(name + " must be between " + min + " and " + max);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new UsageException(name + " must be a whole number, got '" + value + "'");
            }
        }

        void rejectLeftovers() {
            if (!args.isEmpty()) {
                throw new UsageException("unexpected argument '" + args.get(0) + "'");
            }
        }
    }
}
