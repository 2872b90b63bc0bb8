package io.aegis.gateway.config;

import io.aegis.wire.Provider;
import io.aegis.yaml.LocatedProblem;
import io.aegis.yaml.YamlDocument;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import io.aegis.gateway.openai.OpenAiSettings;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Loads {@code aegis.yaml} into an {@link AegisConfig}, or fails with every problem in the file.
 * Relative paths resolve against the project root (where {@code bin/aegis} lives), as the README's Configuration asks.
 */
public final class ConfigLoader {
    /** Default data plane address (the README's Configuration). */
    public static final ListenAddress DEFAULT_LISTEN = new ListenAddress("127.0.0.1", 8080);
    /** Default control API address (the README's Configuration). */
    public static final ListenAddress DEFAULT_CONTROL_LISTEN = new ListenAddress("127.0.0.1", 9090);
    /** Default request body limit: 32 MiB, Anthropic's own limit. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 32 * 1024 * 1024;
    /** Default request head limit (request line plus headers); 431 above it. */
    public static final int DEFAULT_MAX_HEADER_BYTES = 64 * 1024;

    private static final Set<String> TOP_KEYS = ordered("gateway", "control", "auth", "data_dir", "providers",
            "tenants", "pricing", "pii", "pii_hash_key_env", "rules", "limit_classes", "trace", "drainer", "mock_upstream",
            "openai", "fleet");
    private static final Set<String> GATEWAY_KEYS = ordered("listen", "max_request_bytes", "max_header_bytes",
            "transport", "event_loops", "request_timeout_ms", "keepalive_timeout_ms", "drain_timeout_ms");
    /** Default time in-flight exchanges get to finish on shutdown. */
    public static final long DEFAULT_DRAIN_TIMEOUT_MS = 30_000;
    /** Default time for a whole request to arrive after its first byte, as nginx's client_header_timeout. */
    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
    /** Default idle time before a keep-alive client connection is closed, as nginx's keepalive_timeout. */
    public static final long DEFAULT_KEEPALIVE_TIMEOUT_MS = 75_000;
    private static final Set<String> CONTROL_KEYS = ordered("listen", "admin_token_env");
    private static final Set<String> AUTH_KEYS = ordered("mode");
    private static final Set<String> PROVIDER_KEYS = ordered("base_url", "api_key_env", "api_keys_env", "api_key",
            "timeouts", "retries", "circuit", "hedge", "failover", "routes", "tls");
    private static final Set<String> FAILOVER_KEYS = ordered("base_url", "api_key_env", "api_keys_env", "api_key");
    private static final Set<String> TLS_KEYS = ordered("ca_file", "server_name");
    private static final Set<String> TENANT_KEYS = ordered("id", "keys", "budget", "limits", "pii_policy");
    private static final Set<String> TENANT_BODY_KEYS = ordered("id", "budget", "limits", "pii_policy");
    private static final Set<String> PII_ACTIONS = ordered("tag", "redact", "block");
    private static final Set<String> PII_KEYS = ordered("catalogue", "response_holdback_bytes");
    private static final Set<String> OPENAI_KEYS = ordered("model_aliases", "default_max_tokens");
    private static final Set<String> FLEET_KEYS = ordered("cluster", "gateway_id", "lease_ttl_ms");
    private static final int DEFAULT_HOLDBACK_BYTES = 256;
    private static final Set<String> BUDGET_KEYS = ordered("usd_per_day", "usd_per_month", "per_model", "per_key",
            "fleet");
    private static final Set<String> SCOPED_BUDGET_KEYS = ordered("usd_per_day", "usd_per_month");
    private static final Set<String> LIMIT_KEYS = ordered("requests_per_minute", "tokens_per_minute");
    private static final Set<String> TRACE_KEYS = ordered("queue_dir", "retention_hours");
    private static final Set<String> DRAINER_KEYS = ordered("otlp_endpoint", "prometheus_listen", "sampling");
    private static final Set<String> SAMPLING_KEYS = ordered("default", "tenants", "tags");
    private static final Set<String> MOCK_KEYS = ordered("listen", "latency_ms", "chunk_delay_ms", "faults");
    private static final Set<String> PROVIDER_NAMES = ordered("anthropic", "gemini");
    private static final Pattern KEY_HASH = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private ConfigLoader() {
    }

    /**
     * Reads and checks {@code file}.
     *
     * @param file        the config file
     * @param projectRoot base for relative paths
     * @param env         environment lookup, {@code System::getenv} in production
     */
    public static AegisConfig load(Path file, Path projectRoot, Function<String, String> env) throws ConfigException {
        YamlDocument nodes = YamlDocument.read(file);
        if (nodes.hasProblems()) {
            throw new ConfigException(nodes.problems().stream().map(p -> p.message().equals(YamlDocument.FILE_NOT_FOUND)
                    ? LocatedProblem.ofFile(p.file(), YamlDocument.FILE_NOT_FOUND + "; pass an existing file with --config") : p).toList());
        }
        if (nodes.root() == null) {
            throw single(file.toString(), 1, 1, "is empty; it must give at least 'providers'");
        }
        AegisConfig config = read(nodes, nodes.root(), file, projectRoot, env);
        if (nodes.hasProblems()) {
            throw new ConfigException(nodes.problems());
        }
        return config;
    }

    private static AegisConfig read(YamlDocument nodes, Node root, Path file, Path projectRoot,
                                    Function<String, String> env) {
        Map<String, Node> top = nodes.mapping(root, "", TOP_KEYS);

        Map<String, Node> gateway = optionalMapping(nodes, top.get("gateway"), "gateway", GATEWAY_KEYS);
        String transport = nodes.string(gateway.get("transport"), "gateway.transport", "auto");
        if (!Set.of("auto", "epoll", "io_uring", "nio").contains(transport)) {
            nodes.problem(gateway.get("transport"), "gateway.transport",
                    "must be auto, epoll, io_uring or nio, got '" + transport + "'");
        }
        AegisConfig.GatewaySettings gatewaySettings = new AegisConfig.GatewaySettings(
                ConfigNodes.listen(nodes, gateway.get("listen"), "gateway.listen", DEFAULT_LISTEN),
                (int) ConfigNodes.positiveLong(nodes, gateway.get("max_request_bytes"), "gateway.max_request_bytes",
                        DEFAULT_MAX_REQUEST_BYTES, Integer.MAX_VALUE - 1024),
                (int) nodes.longInRange(gateway.get("max_header_bytes"), "gateway.max_header_bytes",
                        DEFAULT_MAX_HEADER_BYTES, 1024, 1024 * 1024),
                transport,
                (int) nodes.longInRange(gateway.get("event_loops"), "gateway.event_loops", 0, 0, 256),
                ConfigNodes.positiveLong(nodes, gateway.get("request_timeout_ms"), "gateway.request_timeout_ms",
                        DEFAULT_REQUEST_TIMEOUT_MS, 86_400_000L),
                ConfigNodes.positiveLong(nodes, gateway.get("keepalive_timeout_ms"), "gateway.keepalive_timeout_ms",
                        DEFAULT_KEEPALIVE_TIMEOUT_MS, 86_400_000L),
                nodes.longInRange(gateway.get("drain_timeout_ms"), "gateway.drain_timeout_ms",
                        DEFAULT_DRAIN_TIMEOUT_MS, 0, 86_400_000L));

        Map<String, Node> control = optionalMapping(nodes, top.get("control"), "control", CONTROL_KEYS);
        AegisConfig.ControlSettings controlSettings = new AegisConfig.ControlSettings(
                ConfigNodes.listen(nodes, control.get("listen"), "control.listen", DEFAULT_CONTROL_LISTEN),
                nodes.string(control.get("admin_token_env"), "control.admin_token_env", "AEGIS_ADMIN_TOKEN"));

        Map<String, Node> auth = optionalMapping(nodes, top.get("auth"), "auth", AUTH_KEYS);
        AuthMode authMode = AuthMode.VIRTUAL;
        String mode = nodes.string(auth.get("mode"), "auth.mode", "virtual");
        try {
            authMode = AuthMode.valueOf(mode.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            nodes.problem(auth.get("mode"), "auth.mode", "must be virtual or passthrough, got '" + mode + "'");
        }

        Path dataDir = path(projectRoot, nodes.string(top.get("data_dir"), "data_dir", "data"));

        Map<Provider, ProviderSettings> providers = new EnumMap<>(Provider.class);
        Node providersNode = top.get("providers");
        if (providersNode == null) {
            nodes.problem(root, "providers", "is required: give at least one of anthropic, gemini");
        } else {
            Map<String, Node> byName = nodes.mapping(providersNode, "providers", PROVIDER_NAMES);
            for (Provider provider : Provider.values()) {
                Node node = byName.get(provider.configName());
                if (node != null) {
                    ProviderSettings settings = provider(nodes, node, provider, projectRoot, env, authMode);
                    if (settings != null) {
                        providers.put(provider, settings);
                    }
                }
            }
            if (byName.isEmpty()) {
                nodes.problem(providersNode, "providers", "is empty: give at least one of anthropic, gemini");
            }
        }

        List<TenantSettings> tenants = tenants(nodes, top.get("tenants"));

        List<String> rules = nodes.strings(top.get("rules"), "rules");
        // Per-minute limits for the classes rules name with `action: limit`, applied per tenant.
        Map<String, AegisConfig.LimitClass> limitClasses = new java.util.LinkedHashMap<>();
        if (top.containsKey("limit_classes")) {
            Map<String, Node> classes = nodes.mapping(top.get("limit_classes"), "limit_classes", null);
            for (Map.Entry<String, Node> entry : classes.entrySet()) {
                String key = "limit_classes." + entry.getKey();
                Map<String, Node> limits = nodes.mapping(entry.getValue(), key, LIMIT_KEYS);
                long rpm = nodes.longInRange(limits.get("requests_per_minute"), key + ".requests_per_minute", -1, 1,
                        Long.MAX_VALUE);
                long tpm = nodes.longInRange(limits.get("tokens_per_minute"), key + ".tokens_per_minute", -1, 1,
                        Long.MAX_VALUE);
                if (rpm < 0 && tpm < 0) {
                    nodes.problem(entry.getValue(), key, "give requests_per_minute, tokens_per_minute or both");
                }
                limitClasses.put(entry.getKey(), new AegisConfig.LimitClass(rpm, tpm));
            }
        }
        Map<String, Node> trace = optionalMapping(nodes, top.get("trace"), "trace", TRACE_KEYS);
        Map<String, Node> drainer = optionalMapping(nodes, top.get("drainer"), "drainer", DRAINER_KEYS);
        String otlp = nodes.string(drainer.get("otlp_endpoint"), "drainer.otlp_endpoint", "http://127.0.0.1:4318");
        if (!otlp.isEmpty() && !otlp.startsWith("http://") && !otlp.startsWith("https://")) {
            nodes.problem(drainer.get("otlp_endpoint"), "drainer.otlp_endpoint",
                    "must be an http:// or https:// URL, or empty to turn OTLP export off");
        }

        MockUpstreamSettings mock = null;
        if (top.containsKey("mock_upstream")) {
            Map<String, Node> m = nodes.mapping(top.get("mock_upstream"), "mock_upstream", MOCK_KEYS);
            mock = new MockUpstreamSettings(
                    ConfigNodes.listen(nodes, m.get("listen"), "mock_upstream.listen", new ListenAddress("127.0.0.1", 8089)),
                    nodes.longInRange(m.get("latency_ms"), "mock_upstream.latency_ms", 0, 0, 600_000),
                    nodes.longInRange(m.get("chunk_delay_ms"), "mock_upstream.chunk_delay_ms", 0, 0, 600_000),
                    nodes.string(m.get("faults"), "mock_upstream.faults", ""));
        }

        PiiSettings pii = PiiSettings.read(nodes, top.get("pii"));
        return new AegisConfig(
                file,
                gatewaySettings,
                controlSettings,
                authMode,
                dataDir,
                providers,
                tenants,
                path(projectRoot, nodes.string(top.get("pricing"), "pricing", "configs/pricing.yaml")),
                path(projectRoot, pii.catalogue()),
                secret(env, nodes.string(top.get("pii_hash_key_env"), "pii_hash_key_env", "AEGIS_PII_HASH_KEY")),
                pii.holdbackBytes(),
                // No rules unless the config names some: the shipped examples route models, which no
                // config should get without asking (the demo config names them).
                (rules == null ? List.<String>of() : rules).stream()
                        .map(pattern -> path(projectRoot, pattern).toString()).toList(),
                Map.copyOf(limitClasses),
                path(projectRoot, nodes.string(trace.get("queue_dir"), "trace.queue_dir", "data/trace")),
                nodes.longInRange(trace.get("retention_hours"), "trace.retention_hours", 24, 0, 24L * 366),
                new AegisConfig.DrainerSettings(otlp, ConfigNodes.listen(nodes, drainer.get("prometheus_listen"),
                        "drainer.prometheus_listen", new ListenAddress("127.0.0.1", 9464)),
                        sampling(nodes, drainer.get("sampling"))),
                mock,
                openAi(nodes, top.get("openai")),
                fleet(nodes, top.get("fleet")));
    }

    /** {@code fleet}: {@code cluster} (members' client endpoints, host:port) and {@code gateway_id}. */
    private static AegisConfig.FleetSettings fleet(YamlDocument nodes, Node fleet) {
        if (fleet == null) {
            return null;
        }
        Map<String, Node> m = nodes.mapping(fleet, "fleet", FLEET_KEYS);
        List<String> listed = nodes.strings(m.get("cluster"), "fleet.cluster");
        List<String> cluster = listed == null ? List.of() : listed;
        for (int i = 0; i < cluster.size(); i++) {
            String endpoint = cluster.get(i);
            int colon = endpoint.lastIndexOf(':');
            boolean valid = colon > 0;
            if (valid) {
                try {
                    int port = Integer.parseInt(endpoint.substring(colon + 1));
                    valid = port > 0 && port < 65531; // the member's other four endpoints follow it
                } catch (NumberFormatException e) {
                    valid = false;
                }
            }
            if (!valid) {
                nodes.problem(m.get("cluster"), "fleet.cluster[" + i + "]", "must be host:port, got '" + endpoint + "'");
            }
        }
        if (cluster.isEmpty()) {
            nodes.problem(fleet, "fleet.cluster", "names no member; give each member's host:port");
        }
        String gatewayId = nodes.requiredString(m.get("gateway_id"), "fleet", fleet, "gateway_id");
        long ttl = nodes.longInRange(m.get("lease_ttl_ms"), "fleet.lease_ttl_ms", 10_000, 500, 600_000);
        return new AegisConfig.FleetSettings(List.copyOf(cluster), gatewayId, ttl);
    }

    /**
     * {@code openai}: {@code model_aliases} (a name OpenAI callers send → {@code claude-…}, {@code gemini-…},
     * {@code anthropic/…} or {@code gemini/…}) and {@code default_max_tokens} (sent to Anthropic, which
     * requires a limit, when the caller gives none).
     */
    private static OpenAiSettings openAi(YamlDocument nodes, Node openai) {
        if (openai == null) {
            return OpenAiSettings.defaults();
        }
        Map<String, Node> m = nodes.mapping(openai, "openai", OPENAI_KEYS);
        Map<String, String> aliases = new java.util.LinkedHashMap<>();
        if (m.containsKey("model_aliases")) {
            nodes.mapping(m.get("model_aliases"), "openai.model_aliases", null).forEach((alias, target) -> {
                String to = nodes.string(target, "openai.model_aliases." + alias, "");
                if (!to.startsWith("claude-") && !to.startsWith("gemini-") && !to.startsWith("anthropic/")
                        && !to.startsWith("gemini/")) {
                    nodes.problem(target, "openai.model_aliases." + alias,
                            "must name a claude-*, gemini-*, anthropic/... or gemini/... model, got '" + to + "'");
                } else {
                    aliases.put(alias, to);
                }
            });
        }
        return new OpenAiSettings(Map.copyOf(aliases), (int) nodes.longInRange(m.get("default_max_tokens"),
                "openai.default_max_tokens", OpenAiSettings.DEFAULT_MAX_TOKENS, 1, 1_000_000));
    }

    /**
     * {@code pii}: the catalogue's path, or a mapping with {@code catalogue} and
     * {@code response_holdback_bytes} (the most answer text held back while a value could still be
     * forming; 256 covers the longest e-mail address, 254, and every bounded pattern shipped).
     */
    private record PiiSettings(String catalogue, int holdbackBytes) {
        static PiiSettings read(YamlDocument nodes, Node pii) {
            if (!(pii instanceof MappingNode)) {
                return new PiiSettings(nodes.string(pii, "pii", "configs/pii.yaml"), DEFAULT_HOLDBACK_BYTES);
            }
            Map<String, Node> m = nodes.mapping(pii, "pii", PII_KEYS);
            return new PiiSettings(nodes.string(m.get("catalogue"), "pii.catalogue", "configs/pii.yaml"),
                    (int) nodes.longInRange(m.get("response_holdback_bytes"), "pii.response_holdback_bytes",
                            DEFAULT_HOLDBACK_BYTES, 16, 1 << 20));
        }
    }

    /** {@code drainer.sampling}: rates from 0 to 1, by default, tenant and tag. */
    private static AegisConfig.SamplingSettings sampling(YamlDocument nodes, Node node) {
        if (node == null) {
            return new AegisConfig.SamplingSettings(1.0, Map.of(), Map.of());
        }
        Map<String, Node> fields = nodes.mapping(node, "drainer.sampling", SAMPLING_KEYS);
        double fallback = rate(nodes, fields.get("default"), "drainer.sampling.default", 1.0);
        Map<String, Double> tenants = new java.util.LinkedHashMap<>();
        Map<String, Double> tags = new java.util.LinkedHashMap<>();
        for (String group : List.of("tenants", "tags")) {
            if (fields.get(group) != null) {
                for (Map.Entry<String, Node> entry : nodes.mapping(fields.get(group), "drainer.sampling." + group, null)
                        .entrySet()) {
                    (group.equals("tenants") ? tenants : tags).put(entry.getKey(), rate(nodes, entry.getValue(),
                            "drainer.sampling." + group + "." + entry.getKey(), 1.0));
                }
            }
        }
        return new AegisConfig.SamplingSettings(fallback, Map.copyOf(tenants), Map.copyOf(tags));
    }

    private static double rate(YamlDocument nodes, Node node, String key, double fallback) {
        String text = nodes.string(node, key, null);
        if (text == null) {
            return fallback;
        }
        try {
            double rate = Double.parseDouble(text.trim());
            if (rate >= 0 && rate <= 1) {
                return rate;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        nodes.problem(node, key, "must be a share from 0 to 1, got '" + text + "'");
        return fallback;
    }

    /** {@code {NAME: {usd_per_day, usd_per_month}}} → NAME → {micros per day, per month}. */
    private static Map<String, long[]> scopedBudgets(YamlDocument nodes, Node node, String key) {
        Map<String, long[]> budgets = new java.util.LinkedHashMap<>();
        if (node == null) {
            return budgets;
        }
        for (Map.Entry<String, Node> entry : nodes.mapping(node, key, null).entrySet()) {
            String where = key + "." + entry.getKey();
            Map<String, Node> limits = nodes.mapping(entry.getValue(), where, SCOPED_BUDGET_KEYS);
            budgets.put(entry.getKey(), new long[] {
                ConfigNodes.usdMicros(nodes, limits.get("usd_per_day"), where + ".usd_per_day"),
                ConfigNodes.usdMicros(nodes, limits.get("usd_per_month"), where + ".usd_per_month")});
        }
        return budgets;
    }

    private static ProviderSettings provider(YamlDocument nodes, Node node, Provider provider, Path projectRoot,
                                             Function<String, String> env, AuthMode authMode) {
        String key = "providers." + provider.configName();
        Map<String, Node> p = nodes.mapping(node, key, PROVIDER_KEYS);
        URI baseUrl = baseUrl(nodes, p.get("base_url"), key + ".base_url", node);

        List<String> keys = new ArrayList<>();
        String source = keys(nodes, p, key, provider, env, keys);

        ResilienceReader resilience = new ResilienceReader(nodes);
        Timeouts timeouts = resilience.timeouts(p.get("timeouts"), key + ".timeouts", Timeouts.DEFAULT);
        RetrySettings retries = resilience.retries(p.get("retries"), key + ".retries");
        CircuitSettings circuit = resilience.circuit(p.get("circuit"), key + ".circuit");
        HedgeSettings hedge = resilience.hedge(p.get("hedge"), key + ".hedge");
        List<RouteSettings> routes = resilience.routes(p.get("routes"), key + ".routes", timeouts);

        List<FailoverTarget> failover = new ArrayList<>();
        if (p.containsKey("failover")) {
            List<Node> items = nodes.sequence(p.get("failover"), key + ".failover");
            for (int i = 0; i < items.size(); i++) {
                String where = key + ".failover[" + i + "]";
                Node item = items.get(i);
                if (item instanceof org.yaml.snakeyaml.nodes.MappingNode) {
                    // Another base URL with a key pool of its own.
                    Map<String, Node> f = nodes.mapping(item, where, FAILOVER_KEYS);
                    URI uri = baseUrl(nodes, f.get("base_url"), where + ".base_url", item);
                    List<String> ownKeys = null;
                    String ownSource = null;
                    if (f.containsKey("api_key") || f.containsKey("api_key_env") || f.containsKey("api_keys_env")) {
                        ownKeys = new ArrayList<>();
                        ownSource = keys(nodes, f, where, provider, env, ownKeys);
                        ownKeys = List.copyOf(ownKeys);
                    }
                    if (uri != null) {
                        failover.add(new FailoverTarget(uri, ownKeys, ownSource));
                    }
                } else {
                    URI uri = baseUrl(nodes, item, where, item);
                    if (uri != null) {
                        failover.add(new FailoverTarget(uri, null, null));
                    }
                }
            }
        }

        Path caFile = null;
        String tlsServerName = null;
        if (p.containsKey("tls")) {
            Map<String, Node> tls = nodes.mapping(p.get("tls"), key + ".tls", TLS_KEYS);
            tlsServerName = nodes.string(tls.get("server_name"), key + ".tls.server_name", null);
            String ca = nodes.string(tls.get("ca_file"), key + ".tls.ca_file", null);
            if (ca != null) {
                caFile = path(projectRoot, ca);
                if (!Files.isReadable(caFile)) {
                    nodes.problem(tls.get("ca_file"), key + ".tls.ca_file", "cannot read '" + caFile + "'");
                }
            }
        }
        if (baseUrl == null) {
            return null;
        }
        return new ProviderSettings(provider, baseUrl, List.copyOf(keys), source, timeouts, retries, circuit, hedge,
                List.copyOf(failover), List.copyOf(routes), caFile, tlsServerName);
    }

    /**
     * Reads the provider keys named at {@code p} ({@code api_key}, {@code api_key_env} or
     * {@code api_keys_env}) into {@code keys}; returns where they come from, for messages.
     */
    private static String keys(YamlDocument nodes, Map<String, Node> p, String key, Provider provider,
                               Function<String, String> env, List<String> keys) {
        if (p.containsKey("api_key")) {
            // A literal key is for the demo and tests against the mock; real keys belong in the environment.
            String literal = nodes.string(p.get("api_key"), key + ".api_key", "");
            if (!literal.isEmpty()) {
                keys.add(literal);
            }
            return "config";
        }
        List<String> envNames = new ArrayList<>();
        if (p.containsKey("api_keys_env")) {
            List<String> names = nodes.strings(p.get("api_keys_env"), key + ".api_keys_env");
            if (names != null) {
                envNames.addAll(names);
            }
        } else {
            envNames.add(nodes.string(p.get("api_key_env"), key + ".api_key_env",
                    provider == Provider.ANTHROPIC ? "ANTHROPIC_API_KEY" : "GEMINI_API_KEY"));
        }
        for (String name : envNames) {
            String value = env.apply(name);
            if (value != null && !value.isBlank()) {
                keys.add(value.trim());
            }
        }
        return "env " + String.join(", ", envNames);
    }

    private static URI baseUrl(YamlDocument nodes, Node node, String key, Node parent) {
        String text = nodes.string(node, key, null);
        if (text == null) {
            nodes.problem(parent, key, "is required, e.g. https://api.anthropic.com");
            return null;
        }
        try {
            URI uri = new URI(text.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                nodes.problem(node, key, "must be an http:// or https:// URL with a host, got '" + text + "'");
                return null;
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                nodes.problem(node, key, "must not carry a query or fragment, got '" + text + "'");
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            nodes.problem(node, key, "is not a valid URL: " + e.getReason());
            return null;
        }
    }

    private static List<TenantSettings> tenants(YamlDocument nodes, Node node) {
        List<TenantSettings> tenants = new ArrayList<>();
        if (node == null) {
            return tenants;
        }
        Set<String> ids = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        List<Node> items = nodes.sequence(node, "tenants");
        for (int i = 0; i < items.size(); i++) {
            String key = "tenants[" + i + "]";
            Map<String, Node> t = nodes.mapping(items.get(i), key, TENANT_KEYS);
            String id = nodes.requiredString(t.get("id"), key, items.get(i), "id");
            if (id != null && !TENANT_ID.matcher(id).matches()) {
                nodes.problem(t.get("id"), key + ".id", "must be 1-64 letters, digits, '.', '_' or '-', got '" + id + "'");
            } else if (id != null && !ids.add(id)) {
                nodes.problem(t.get("id"), key + ".id", "tenant '" + id + "' is defined twice");
            }
            List<String> keys = new ArrayList<>();
            if (t.containsKey("keys")) {
                List<Node> keyNodes = nodes.sequence(t.get("keys"), key + ".keys");
                for (int k = 0; k < keyNodes.size(); k++) {
                    String hash = nodes.string(keyNodes.get(k), key + ".keys[" + k + "]", "");
                    if (!KEY_HASH.matcher(hash).matches()) {
                        // Never echo the value: it may be a raw key pasted by mistake.
                        nodes.problem(keyNodes.get(k), key + ".keys[" + k + "]",
                                "must be 'sha256:' and 64 lower-case hex digits (the hash of a virtual key,"
                                        + " not the key itself)");
                    } else if (!hashes.add(hash)) {
                        nodes.problem(keyNodes.get(k), key + ".keys[" + k + "]",
                                "this key hash is already given to a tenant");
                    } else {
                        keys.add(hash.substring("sha256:".length()));
                    }
                }
            }
            if (id != null) {
                tenants.add(tenantSettings(nodes, t, key, id, keys));
            }
        }
        return tenants;
    }

    /** A tenant's budget, limits and PII policy, read from its mapping {@code t} at {@code key}. */
    private static TenantSettings tenantSettings(YamlDocument nodes, Map<String, Node> t, String key, String id,
            List<String> keys) {
        String at = key.isEmpty() ? "" : key + ".";
        Map<String, Node> budget = optionalMapping(nodes, t.get("budget"), at + "budget", BUDGET_KEYS);
        Map<String, Node> limits = optionalMapping(nodes, t.get("limits"), at + "limits", LIMIT_KEYS);
        long rpm = nodes.longInRange(limits.get("requests_per_minute"), at + "limits.requests_per_minute",
                -1, 1, Long.MAX_VALUE);
        long tpm = nodes.longInRange(limits.get("tokens_per_minute"), at + "limits.tokens_per_minute",
                -1, 1, Long.MAX_VALUE);
        Map<String, String> piiPolicy = new java.util.LinkedHashMap<>();
        Map<String, String> piiResponse = new java.util.LinkedHashMap<>();
        boolean restore = false;
        if (t.containsKey("pii_policy")) {
            Map<String, Node> policy = nodes.mapping(t.get("pii_policy"), at + "pii_policy", null);
            for (Map.Entry<String, Node> entry : policy.entrySet()) {
                String where = at + "pii_policy." + entry.getKey();
                if (entry.getKey().equals("restore")) {
                    restore = nodes.bool(entry.getValue(), where, false);
                } else if (entry.getKey().equals("response")) {
                    nodes.mapping(entry.getValue(), where, null)
                            .forEach((type, action) -> piiAction(nodes, action, where + "." + type, type, piiResponse));
                } else {
                    piiAction(nodes, entry.getValue(), where, entry.getKey(), piiPolicy);
                }
            }
        }
        return new TenantSettings(id, List.copyOf(keys),
                ConfigNodes.usdMicros(nodes, budget.get("usd_per_day"), at + "budget.usd_per_day"),
                ConfigNodes.usdMicros(nodes, budget.get("usd_per_month"), at + "budget.usd_per_month"), rpm, tpm,
                Map.copyOf(piiPolicy), Map.copyOf(piiResponse), restore, fleetFailOpenMicros(nodes, budget.get("fleet"),
                        at + "budget.fleet"),
                scopedBudgets(nodes, budget.get("per_model"), at + "budget.per_model"),
                scopedBudgets(nodes, budget.get("per_key"), at + "budget.per_key"));
    }

    /**
     * {@code budget.fleet}: what a tenant's budget does while the budget cluster is unreachable:
     * {@code fail_closed} (the default: nothing beyond the leases held) or {@code {fail_open_up_to: USD}}
     * (that much more per window and gateway). Micro-dollars, or -1 for fail closed.
     */
    private static long fleetFailOpenMicros(YamlDocument nodes, Node node, String where) {
        if (node == null) {
            return -1;
        }
        if (!(node instanceof MappingNode)) {
            String mode = nodes.string(node, where, "");
            if (!mode.equals("fail_closed")) {
                nodes.problem(node, where, "must be fail_closed or {fail_open_up_to: USD}, got '" + mode + "'");
            }
            return -1;
        }
        Map<String, Node> m = nodes.mapping(node, where, ordered("fail_open_up_to"));
        return ConfigNodes.usdMicros(nodes, m.get("fail_open_up_to"), where + ".fail_open_up_to");
    }

    private static void piiAction(YamlDocument nodes, Node value, String where, String type, Map<String, String> into) {
        String action = nodes.string(value, where, "");
        if (!PII_ACTIONS.contains(action)) {
            nodes.problem(value, where, "must be tag, redact or block, got '" + action + "'");
        } else {
            into.put(type, action);
        }
    }

    /**
     * The {@code tenants} list given as text (JSON is YAML too), checked as in the config file:
     * every problem, with the line in {@code text}.
     */
    public static List<TenantSettings> tenants(String text, String source) throws ConfigException {
        YamlDocument nodes = document(text, source);
        List<TenantSettings> tenants = tenants(nodes, nodes.root());
        if (!nodes.problems().isEmpty()) {
            throw new ConfigException(nodes.problems());
        }
        return tenants;
    }

    /**
     * One tenant's {@code budget}, {@code limits} and {@code pii_policy} given as text (a control API
     * body; {@code id} may be repeated, {@code keys} are managed apart), with {@code keys} kept.
     */
    public static TenantSettings tenant(String id, List<String> keys, String text, String source)
            throws ConfigException {
        YamlDocument nodes = document(text, source);
        Node root = nodes.root();
        if (root == null) {
            throw single(source, 1, 1, "is empty; give budget, limits or pii_policy");
        }
        Map<String, Node> t = nodes.mapping(root, "", TENANT_BODY_KEYS);
        if (t.containsKey("id") && !id.equals(nodes.string(t.get("id"), "id", id))) {
            nodes.problem(t.get("id"), "id", "does not match the tenant in the path ('" + id + "')");
        }
        TenantSettings tenant = tenantSettings(nodes, t, "", id, keys);
        if (!nodes.problems().isEmpty()) {
            throw new ConfigException(nodes.problems());
        }
        return tenant;
    }

    /** Sampling settings given as text, checked as {@code drainer.sampling} in the config file. */
    public static AegisConfig.SamplingSettings sampling(String text, String source) throws ConfigException {
        YamlDocument nodes = document(text, source);
        Node root = nodes.root();
        AegisConfig.SamplingSettings sampling = sampling(nodes, root);
        if (!nodes.problems().isEmpty()) {
            throw new ConfigException(nodes.problems());
        }
        return sampling;
    }

    /** {@code text} parsed (JSON is YAML too); text that does not parse is refused with its place. */
    private static YamlDocument document(String text, String source) throws ConfigException {
        YamlDocument document = YamlDocument.parse(source, text);
        if (document.hasProblems()) {
            throw new ConfigException(document.problems().stream().map(p -> new LocatedProblem(p.file(), p.line(),
                    p.column(), p.key(), p.message().replace("not valid YAML", "not valid YAML or JSON"))).toList());
        }
        return document;
    }

    private static Secret secret(Function<String, String> env, String name) {
        String value = env.apply(name);
        return value == null || value.isBlank() ? null : new Secret(value);
    }

    private static Map<String, Node> optionalMapping(YamlDocument nodes, Node node, String key, Set<String> allowed) {
        return node == null ? Map.of() : nodes.mapping(node, key, allowed);
    }

    private static Path path(Path projectRoot, String value) {
        Path path = Path.of(value);
        return path.isAbsolute() ? path : projectRoot.resolve(path).normalize();
    }

    private static ConfigException single(String file, int line, int column, String message) {
        return new ConfigException(List.of(new LocatedProblem(file, line, column, "", message)));
    }

    static Set<String> ordered(String... names) {
        return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(List.of(names)));
    }
}
