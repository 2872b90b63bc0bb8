package io.aegis.gateway.config;

import io.aegis.yaml.YamlDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a provider's resilience settings: time limits, retries, circuit breaking, hedging and
 * per-route overrides. Every problem is recorded with its key and line; defaults fill what is left out.
 */
final class ResilienceReader {
    static final Set<String> TIMEOUT_KEYS = ConfigLoader.ordered("connect_ms", "first_byte_ms", "idle_ms", "total_ms");
    static final Set<String> RETRY_KEYS = ConfigLoader.ordered("max_attempts", "initial_backoff_ms", "max_backoff_ms",
            "max_retry_after_ms", "budget_ratio", "min_retries_per_second");
    static final Set<String> CIRCUIT_KEYS = ConfigLoader.ordered("failure_ratio", "min_requests", "window_ms", "open_ms",
            "half_open_probes");
    static final Set<String> HEDGE_KEYS = ConfigLoader.ordered("delay_ms", "delay", "min_delay_ms");
    static final Set<String> ROUTE_KEYS = ConfigLoader.ordered("match", "timeouts", "retries", "hedge");
    static final Set<String> ROUTE_RETRY_KEYS = ConfigLoader.ordered("max_attempts");
    static final Set<String> MATCH_KEYS = ConfigLoader.ordered("model", "models", "stream");
    private static final long DAY_MS = 86_400_000L;
    private static final Pattern PERCENTILE = Pattern.compile("p([1-9][0-9]?)");

    private final YamlDocument nodes;

    ResilienceReader(YamlDocument nodes) {
        this.nodes = nodes;
    }

    /** Time limits at {@code key}, each left out taken from {@code base}. */
    Timeouts timeouts(Node node, String key, Timeouts base) {
        Map<String, Node> t = node == null ? Map.of() : nodes.mapping(node, key, TIMEOUT_KEYS);
        return new Timeouts(
                ConfigNodes.positiveLong(nodes, t.get("connect_ms"), key + ".connect_ms", base.connectMs(), DAY_MS),
                ConfigNodes.positiveLong(nodes, t.get("first_byte_ms"), key + ".first_byte_ms", base.firstByteMs(), DAY_MS),
                ConfigNodes.positiveLong(nodes, t.get("idle_ms"), key + ".idle_ms", base.idleMs(), DAY_MS),
                ConfigNodes.positiveLong(nodes, t.get("total_ms"), key + ".total_ms", base.totalMs(), DAY_MS));
    }

    RetrySettings retries(Node node, String key) {
        Map<String, Node> r = node == null ? Map.of() : nodes.mapping(node, key, RETRY_KEYS);
        RetrySettings d = RetrySettings.DEFAULT;
        long initial = ConfigNodes.positiveLong(nodes, r.get("initial_backoff_ms"), key + ".initial_backoff_ms", d.initialBackoffMs(),
                DAY_MS);
        long max = ConfigNodes.positiveLong(nodes, r.get("max_backoff_ms"), key + ".max_backoff_ms", Math.max(initial, d.maxBackoffMs()),
                DAY_MS);
        if (max < initial) {
            nodes.problem(r.get("max_backoff_ms"), key + ".max_backoff_ms",
                    "must not be below initial_backoff_ms (" + initial + ")");
        }
        return new RetrySettings(
                (int) ConfigNodes.positiveLong(nodes, r.get("max_attempts"), key + ".max_attempts", d.maxAttempts(), 20),
                initial, Math.max(initial, max),
                nodes.longInRange(r.get("max_retry_after_ms"), key + ".max_retry_after_ms", d.maxRetryAfterMs(), 0, DAY_MS),
                nodes.decimal(r.get("budget_ratio"), key + ".budget_ratio", d.budgetRatio(), 0, 10),
                (int) nodes.longInRange(r.get("min_retries_per_second"), key + ".min_retries_per_second",
                        d.minRetriesPerSecond(), 0, 1_000_000));
    }

    CircuitSettings circuit(Node node, String key) {
        Map<String, Node> c = node == null ? Map.of() : nodes.mapping(node, key, CIRCUIT_KEYS);
        CircuitSettings d = CircuitSettings.DEFAULT;
        return new CircuitSettings(
                nodes.decimal(c.get("failure_ratio"), key + ".failure_ratio", d.failureRatio(), 0.01, 1),
                (int) ConfigNodes.positiveLong(nodes, c.get("min_requests"), key + ".min_requests", d.minRequests(), 1_000_000),
                nodes.longInRange(c.get("window_ms"), key + ".window_ms", d.windowMs(), 100, DAY_MS),
                ConfigNodes.positiveLong(nodes, c.get("open_ms"), key + ".open_ms", d.openMs(), DAY_MS),
                (int) ConfigNodes.positiveLong(nodes, c.get("half_open_probes"), key + ".half_open_probes", d.halfOpenProbes(), 1000));
    }

    /** {@code {delay_ms: N}} for a fixed delay, or {@code {delay: p95, min_delay_ms: N}}; {@code null} when absent. */
    HedgeSettings hedge(Node node, String key) {
        if (node == null) {
            return null;
        }
        Map<String, Node> h = nodes.mapping(node, key, HEDGE_KEYS);
        int percentile = 0;
        String delay = nodes.string(h.get("delay"), key + ".delay", null);
        if (delay != null) {
            Matcher m = PERCENTILE.matcher(delay.trim());
            if (m.matches()) {
                percentile = Integer.parseInt(m.group(1));
            } else {
                nodes.problem(h.get("delay"), key + ".delay", "must be a percentile of the time to first byte "
                        + "such as p95, got '" + delay + "' (for a fixed delay use delay_ms)");
            }
        } else if (!h.containsKey("delay_ms")) {
            nodes.problem(node, key, "needs delay_ms (a fixed delay) or delay: p95 (a percentile of the time "
                    + "to first byte)");
        }
        long delayMs = ConfigNodes.positiveLong(nodes, h.get("delay_ms"), key + ".delay_ms", 1_000, DAY_MS);
        long minDelayMs = ConfigNodes.positiveLong(nodes, h.get("min_delay_ms"), key + ".min_delay_ms", 20, DAY_MS);
        return new HedgeSettings(delayMs, percentile, minDelayMs);
    }

    List<RouteSettings> routes(Node node, String key, Timeouts providerTimeouts) {
        List<RouteSettings> routes = new ArrayList<>();
        if (node == null) {
            return routes;
        }
        List<Node> items = nodes.sequence(node, key);
        for (int i = 0; i < items.size(); i++) {
            String where = key + "[" + i + "]";
            Map<String, Node> r = nodes.mapping(items.get(i), where, ROUTE_KEYS);
            Map<String, Node> match = r.get("match") == null ? Map.of()
                    : nodes.mapping(r.get("match"), where + ".match", MATCH_KEYS);
            List<String> models = new ArrayList<>();
            String one = nodes.string(match.get("model"), where + ".match.model", null);
            if (one != null) {
                models.add(one);
            }
            List<String> many = match.get("models") == null ? null : nodes.strings(match.get("models"), where + ".match.models");
            if (many != null) {
                models.addAll(many);
            }
            Boolean stream = match.get("stream") == null ? null : nodes.bool(match.get("stream"), where + ".match.stream", false);
            Map<String, Node> retries = r.get("retries") == null ? Map.of()
                    : nodes.mapping(r.get("retries"), where + ".retries", ROUTE_RETRY_KEYS);
            int maxAttempts = (int) nodes.longInRange(retries.get("max_attempts"), where + ".retries.max_attempts", 0, 1, 20);
            routes.add(new RouteSettings(List.copyOf(models), stream,
                    timeouts(r.get("timeouts"), where + ".timeouts", providerTimeouts), maxAttempts,
                    hedge(r.get("hedge"), where + ".hedge")));
        }
        return routes;
    }
}
