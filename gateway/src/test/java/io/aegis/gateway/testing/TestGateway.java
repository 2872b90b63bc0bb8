package io.aegis.gateway.testing;

import io.aegis.trace.Outcome;
import io.aegis.gateway.error.ErrorClass;
import io.aegis.gateway.GatewayRuntime;
import io.aegis.wire.KeyDigest;
import io.aegis.gateway.config.AegisConfig;
import io.aegis.gateway.config.ConfigLoader;
import io.aegis.mock.MockOptions;
import io.aegis.mock.MockUpstream;
import io.aegis.gateway.proxy.Exchange;
import io.aegis.wire.Provider;
import io.aegis.natives.NetworkTransports;
import java.net.InetSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A gateway in front of a mock upstream, both on loopback ports the OS picked, configured through a
 * real YAML file and {@link ConfigLoader}. Finished exchanges are queued for tests to inspect.
 */
public final class TestGateway implements AutoCloseable {
    /** Virtual key of tenant {@code acme}. */
    public static final String ACME_KEY = "aegis-test-key-acme";
    /** Virtual key of tenant {@code beta}. */
    public static final String BETA_KEY = "aegis-test-key-beta";
    /** Provider key the gateway injects in virtual mode. */
    public static final String PROVIDER_KEY = "provider-key-under-test";

    /** The admin token of a gateway started with {@link Builder#control()}. */
    public static final String ADMIN_TOKEN = "admin-token-under-test";

    private final MockUpstream mock;
    private final GatewayRuntime runtime;
    private final BlockingQueue<Completed> completed;
    private io.aegis.gateway.control.ControlApi control;

    /** What a test can check about a finished exchange (a copy: the exchange itself is reused). */
    public record Completed(Provider provider, String model, String tenant, String keyId, int status,
                            Outcome outcome, ErrorClass errorClass, long inputTokens, long outputTokens,
                            long cacheReadTokens, long cacheWriteTokens, long thoughtsTokens, boolean usageSeen,
                            boolean streamError, int attempts, String upstream, String traceId,
                            int piiFindings, boolean redacted, String decidingRule, List<String> ruleActions,
                            List<String> shadowRules, String routedModel, long costNanos, boolean pricedKnown,
                            int retries, String hedge, String circuit, String attemptLog,
                            Map<String, Integer> answerPii, int restored, String blockedInAnswer, String api) {
    }

    private TestGateway(MockUpstream mock, GatewayRuntime runtime, BlockingQueue<Completed> completed) {
        this.mock = mock;
        this.runtime = runtime;
        this.completed = completed;
    }

    /**
     * One gateway for a whole test class: {@code @RegisterExtension static final TestGateway.PerClass
     * gateway = new TestGateway.PerClass(TestGateway.builder()...)}. Started before the class's
     * first test, closed after its last.
     */
    public static final class PerClass implements BeforeAllCallback, AfterAllCallback {
        private final Builder builder;
        private TestGateway gateway;

        public PerClass(Builder builder) {
            this.builder = builder;
        }

        @Override
        public void beforeAll(ExtensionContext context) {
            gateway = builder.start();
        }

        @Override
        public void afterAll(ExtensionContext context) {
            gateway.close();
        }

        public int port() {
            return gateway.port();
        }

        public String baseUrl() {
            return gateway.baseUrl();
        }

        public Completed nextCompleted() {
            return gateway.nextCompleted();
        }

        public GatewayRuntime runtime() {
            return gateway.runtime();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static TestGateway start() {
        return builder().start();
    }

    public String baseUrl() {
        return runtime.server().baseUrl();
    }

    public GatewayRuntime runtime() {
        return runtime;
    }

    public int port() {
        return runtime.server().address().getPort();
    }

    public String mockUrl() {
        return mock.baseUrl();
    }

    public MockUpstream mock() {
        return mock;
    }

    /** The next finished exchange, waiting up to 10 s for it. */
    public Completed nextCompleted() {
        try {
            Completed next = completed.poll(10, TimeUnit.SECONDS);
            if (next == null) {
                throw new AssertionError("no exchange finished within 10 s");
            }
            return next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The control API (only with {@link Builder#control()}). */
    public io.aegis.gateway.control.ControlApi control() {
        return control;
    }

    /** {@code http://127.0.0.1:port} of the control API. */
    public String controlUrl() {
        return "http://127.0.0.1:" + control.port();
    }

    @Override
    public void close() {
        if (control != null) {
            control.close();
        }
        runtime.close();
        mock.close();
    }

    /** Options of a test gateway; YAML fragments are spliced into the generated config. */
    public static final class Builder {
        private String authMode = "virtual";
        private long maxRequestBytes = 1024 * 1024;
        private long maxHeaderBytes = 16 * 1024;
        private String providerExtra = "";
        private String gatewayExtra = "";
        private String anthropicBaseUrl;
        private String geminiBaseUrl;
        private MockOptions mockOptions = MockOptions.defaults();
        private String transport = "auto";
        private String acmePiiPolicy = "";
        private String rules = "";
        private String acmeExtra = "";
        private String topExtra = "";
        private Path dataDir;
        private boolean control;
        private boolean configFileWins;
        private final java.util.Map<String, String> env = new java.util.HashMap<>();
        private String providerKeys;

        public Builder authMode(String mode) {
            this.authMode = mode;
            return this;
        }

        public Builder maxRequestBytes(long bytes) {
            this.maxRequestBytes = bytes;
            return this;
        }

        public Builder maxHeaderBytes(long bytes) {
            this.maxHeaderBytes = bytes;
            return this;
        }

        /** YAML lines added to both provider blocks, indented by four spaces, e.g. timeouts. */
        public Builder providerExtra(String yaml) {
            this.providerExtra = yaml;
            return this;
        }

        /** YAML lines added to the {@code gateway:} block, indented by two spaces, e.g. client timeouts. */
        public Builder gatewayExtra(String yaml) {
            this.gatewayExtra = yaml;
            return this;
        }

        /** Points Anthropic somewhere other than the mock (e.g. a closed port, a TLS server). */
        public Builder anthropicBaseUrl(String url) {
            this.anthropicBaseUrl = url;
            return this;
        }

        public Builder geminiBaseUrl(String url) {
            this.geminiBaseUrl = url;
            return this;
        }

        public Builder mockOptions(MockOptions options) {
            this.mockOptions = options;
            return this;
        }

        /** Tenant acme's {@code pii_policy} as a YAML flow mapping, e.g. {@code {EMAIL: redact}}. */
        public Builder acmePiiPolicy(String yamlMapping) {
            this.acmePiiPolicy = yamlMapping;
            return this;
        }

        /** YAML lines added to tenant acme, indented by four spaces, e.g. {@code budget: {usd_per_day: 1}}. */
        public Builder acmeExtra(String yaml) {
            this.acmeExtra = yaml;
            return this;
        }

        /** Top-level YAML lines added to the config, e.g. {@code limit_classes: ...}. */
        public Builder topExtra(String yaml) {
            this.topExtra = yaml;
            return this;
        }

        /** Uses this data directory (to restart a gateway on the same state). */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** A rule file's text (rules/README.md); without one the gateway runs with no rules. */
        public Builder rules(String ruleFileYaml) {
            this.rules = ruleFileYaml;
            return this;
        }

        public Builder transport(String transport) {
            this.transport = transport;
            return this;
        }

        /** The provider key line of both providers, e.g. {@code api_keys_env: [K1, K2]}, instead of one literal key. */
        public Builder providerKeys(String yamlLine) {
            this.providerKeys = yamlLine;
            return this;
        }

        /** An environment variable the config may name (e.g. a provider key pool's {@code api_keys_env}). */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** Also starts the control API on a port the OS picks, with {@link #ADMIN_TOKEN}. */
        /** With {@link #control()}: the config file's edits win over control API changes ({@code --config-file-wins}). */
        public Builder configFileWins() {
            this.configFileWins = true;
            return this;
        }

        public Builder control() {
            this.control = true;
            return this;
        }

        public TestGateway start() {
            MockUpstream mock = null;
            try {
                mock = MockUpstream.start(NetworkTransports.select(transport), new InetSocketAddress("127.0.0.1", 0),
                        mockOptions, 1);
                Path dir = Files.createTempDirectory("aegis-test");
                Path file = dir.resolve("aegis.yaml");
                if (!rules.isEmpty()) {
                    Files.writeString(dir.resolve("rules.yaml"), rules, StandardCharsets.UTF_8);
                }
                Files.writeString(file, yaml(mock.baseUrl(), dir), StandardCharsets.UTF_8);
                AegisConfig config = ConfigLoader.load(file, dir, env::get);
                BlockingQueue<Completed> completed = new LinkedBlockingQueue<>();
                GatewayRuntime runtime = GatewayRuntime.start(config, exchange -> completed.add(snapshot(exchange)));
                TestGateway gateway = new TestGateway(mock, runtime, completed);
                if (control) {
                    try {
                        gateway.control = io.aegis.gateway.control.ControlApi.start(config, runtime,
                                name -> name.equals("AEGIS_ADMIN_TOKEN") ? ADMIN_TOKEN : null, configFileWins
                                        ? io.aegis.control.ControlService.FileEdits.FILE_WINS
                                        : io.aegis.control.ControlService.FileEdits.ADOPT_UNLESS_CONFLICT);
                    } catch (Exception e) {
                        gateway.close(); // the mock with it
                        mock = null;
                        throw e;
                    }
                }
                return gateway;
            } catch (Exception e) {
                if (mock != null) {
                    mock.close();
                }
                if (e instanceof IOException) {
                    throw new UncheckedIOException((IOException) e);
                }
                throw new IllegalStateException("test gateway did not start: " + e.getMessage(), e);
            }
        }

        private String yaml(String mockUrl, Path dir) {
            String extra = providerExtra.isEmpty() ? "" : providerExtra.indent(4);
            String keysLine = "    " + (providerKeys != null ? providerKeys : "api_key: \"" + PROVIDER_KEY + "\"") + "\n";
            return "gateway:\n"
                    + "  listen: \"127.0.0.1:0\"\n"
                    + "  max_request_bytes: " + maxRequestBytes + "\n"
                    + "  max_header_bytes: " + maxHeaderBytes + "\n"
                    + "  transport: " + transport + "\n"
                    + "  event_loops: 2\n"
                    + (gatewayExtra.isEmpty() ? "" : gatewayExtra.indent(2))
                    + "auth: { mode: " + authMode + " }\n"
                    + "control: { listen: \"127.0.0.1:0\" }\n"
                    + "data_dir: " + (dataDir != null ? dataDir : dir.resolve("data")) + "\n"
                    + "pii: \"" + projectRoot().resolve("configs/pii.yaml") + "\"\n"
                    + "pricing: \"" + projectRoot().resolve("configs/pricing.yaml") + "\"\n"
                    + (topExtra.isEmpty() ? "" : topExtra + "\n")
                    + "rules: " + (rules.isEmpty() ? "[]" : "[\"" + dir.resolve("rules.yaml") + "\"]") + "\n"
                    + "providers:\n"
                    + "  anthropic:\n"
                    + "    base_url: \"" + (anthropicBaseUrl == null ? mockUrl : anthropicBaseUrl) + "\"\n"
                    + keysLine
                    + extra
                    + "  gemini:\n"
                    + "    base_url: \"" + (geminiBaseUrl == null ? mockUrl : geminiBaseUrl) + "\"\n"
                    + keysLine
                    + extra
                    + "tenants:\n"
                    + "  - id: acme\n"
                    + "    keys: [\"sha256:" + sha256(ACME_KEY) + "\"]\n"
                    + (acmePiiPolicy.isEmpty() ? "" : "    pii_policy: " + acmePiiPolicy + "\n")
                    + (acmeExtra.isEmpty() ? "" : acmeExtra.indent(4))
                    + "  - id: beta\n"
                    + "    keys: [\"sha256:" + sha256(BETA_KEY) + "\"]\n";
        }
    }

    /** The repository root, where the shipped configs live. */
    public static Path projectRoot() {
        return Path.of(System.getProperty("aegis.project.root", "..")).toAbsolutePath().normalize();
    }

    /** Hex SHA-256 of a key, as written in config. */
    public static String sha256(String key) {
        return KeyDigest.hex(KeyDigest.current().sha256(key).clone());
    }

    /** The key id the gateway and the mock report for a key. */
    public static String keyId(String key) {
        return KeyDigest.keyId(KeyDigest.current().sha256(key).clone());
    }

    private static Completed snapshot(Exchange exchange) {
        var usage = exchange.usage();
        var tenant = exchange.tenant();
        var policy = exchange.policy();
        var attempts = exchange.attempts();
        return new Completed(exchange.provider(), exchange.facts().model(), tenant == null ? null : tenant.id(),
                tenant == null ? null : tenant.keyId(), exchange.status(), exchange.outcome(), exchange.errorClass(),
                usage.inputTokens(), usage.outputTokens(), usage.cacheReadTokens(), usage.cacheWriteTokens(),
                usage.thoughtsTokens(), usage.seen(), usage.streamError(), attempts.count(), attempts.upstream(),
                exchange.traceId(), policy.piiFindings().size(), policy.redacted(),
                policy.decidingRule() == null ? null : policy.decidingRule().id(), ruleIds(policy, false),
                ruleIds(policy, true), policy.routedModel(), exchange.cost().costNanos(),
                exchange.cost().pricing() != null && exchange.cost().pricing().known(), attempts.retries(),
                attempts.hedge(), attempts.circuit(), attempts.log().toString(), answerPii(exchange),
                exchange.response().answerScan().restoredCount(), exchange.response().answerScan().blockedTypes().toString(),
                exchange.route().api().wireName());
    }

    /** The answer's findings by type (read before the exchange ends its answer scan). */
    private static Map<String, Integer> answerPii(Exchange exchange) {
        var scan = exchange.response().answerScan();
        Map<String, Integer> counts = new java.util.TreeMap<>();
        if (scan.active()) {
            for (int type = 0; type < scan.catalogue().types().size(); type++) {
                if (scan.count(type) > 0) {
                    counts.put(scan.catalogue().types().get(type).name(), scan.count(type));
                }
            }
        }
        return counts;
    }

    private static List<String> ruleIds(io.aegis.gateway.proxy.PolicyRecord policy, boolean shadow) {
        List<String> ids = new java.util.ArrayList<>();
        int count = shadow ? policy.shadowRuleCount() : policy.ruleActionCount();
        for (int i = 0; i < count; i++) {
            ids.add((shadow ? policy.shadowRule(i) : policy.ruleAction(i)).id());
        }
        return ids;
    }
}
