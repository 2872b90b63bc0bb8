package io.aegis.gateway.metrics;

import io.aegis.gateway.error.ErrorClass;
import io.aegis.pii.PiiCatalogue;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The gateway's own counters as they happen, for the control API's {@code /metrics} (the drainer's
 * metrics come from the trace queue, later and per tenant; these are this process, now). Every
 * counter is a {@link LongAdder}, striped per thread, so event loops never contend on one cache
 * line and never take a lock; a rule's counters are made the first time it decides.
 */
public final class LiveMetrics {
    /** Overhead histogram bounds in seconds (Prometheus {@code le}). */
    private static final double[] BOUNDS_SECONDS = {0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
        0.005, 0.01, 0.025, 0.1};
    private static final long[] BOUNDS_NANOS = new long[BOUNDS_SECONDS.length];

    static {
        for (int i = 0; i < BOUNDS_SECONDS.length; i++) {
            BOUNDS_NANOS[i] = Math.round(BOUNDS_SECONDS[i] * 1e9);
        }
    }

    private final LongAdder[] byStatusClass = adders(6);
    private final LongAdder errors = new LongAdder();
    private final LongAdder budgetRefusals = new LongAdder();
    private final LongAdder rateRefusals = new LongAdder();
    private final LongAdder[] overheadBuckets = adders(BOUNDS_NANOS.length + 1);
    private final LongAdder overheadSumNanos = new LongAdder();
    private final LongAdder[] piiByType;
    /** Findings in answers (tenants whose answers are scanned), by type. */
    private final LongAdder[] piiResponseByType;
    private final PiiCatalogue catalogue;
    /** By rule id: [allow-like decisions, denials]. */
    private final ConcurrentHashMap<String, LongAdder[]> ruleDecisions = new ConcurrentHashMap<>();
    private final LongAdder[] noRule = adders(2);
    /** By rule id: shadow rules' matches (what they would have done is recorded, nothing was done). */
    private final ConcurrentHashMap<String, LongAdder> shadowHits = new ConcurrentHashMap<>();
    /** Per tenant, provider and model, with latency by the second: what the dashboard shows. */
    private final TrafficBoard traffic = new TrafficBoard();
    /** By provider ordinal: attempts, retries, hedges sent, hedges won, requests turned away by open circuits. */
    private final LongAdder[] attempts = adders(2);
    private final LongAdder[] retries = adders(2);
    private final LongAdder[] hedgesSent = adders(2);
    private final LongAdder[] hedgesWon = adders(2);
    private final LongAdder[] circuitRefusals = adders(2);
    private volatile java.util.function.Consumer<StringBuilder> upstreamState = out -> { };
    private volatile IntSupplier activeConnections = () -> 0;
    private volatile LongSupplier traceDropped = () -> 0;

    public LiveMetrics(PiiCatalogue catalogue) {
        this.catalogue = catalogue;
        this.piiByType = adders(catalogue.types().size());
        this.piiResponseByType = adders(catalogue.types().size());
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] out = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            out[i] = new LongAdder();
        }
        return out;
    }

    /** With a fleet: whether the budget cluster answers this gateway, else {@code null}. */
    private volatile IntSupplier fleetReachable;

    /** With a fleet: 1 while the budget cluster answers this gateway, 0 while its budgets run on their fail modes. */
    public void fleetReachable(IntSupplier reachable) {
        this.fleetReachable = reachable;
    }

    /** Where the open client connection count and the trace writer's drop count come from. */
    public void sources(IntSupplier activeConnections, LongSupplier traceDropped) {
        this.activeConnections = activeConnections;
        this.traceDropped = traceDropped;
    }

    /**
     * Counts one finished request.
     *
     * @param status        the status the caller got
     * @param failed        whether it ended in an error (status or error class)
     * @param errorClass    the error class, or {@code null}
     * @param overheadNanos the gateway's own time
     * @param decidingRule  the rule id that decided, or {@code null}
     * @param denied        whether the request was denied
     */
    public void request(int status, boolean failed, ErrorClass errorClass, long overheadNanos, String decidingRule,
            boolean denied) {
        byStatusClass[Math.max(0, Math.min(5, status / 100))].increment();
        if (failed) {
            errors.increment();
        }
        if (errorClass == ErrorClass.BUDGET_EXHAUSTED) {
            budgetRefusals.increment();
        } else if (errorClass == ErrorClass.RATE_LIMITED) {
            rateRefusals.increment();
        }
        int bucket = 0;
        while (bucket < BOUNDS_NANOS.length && overheadNanos > BOUNDS_NANOS[bucket]) {
            bucket++;
        }
        overheadBuckets[bucket].increment();
        overheadSumNanos.add(Math.max(0, overheadNanos));
        if (decidingRule == null) {
            noRule[denied ? 1 : 0].increment();
        } else {
            LongAdder[] counts = ruleDecisions.get(decidingRule);
            if (counts == null) {
                counts = ruleDecisions.computeIfAbsent(decidingRule, id -> adders(2));
            }
            counts[denied ? 1 : 0].increment();
        }
    }

    /**
     * Counts one request's upstream attempts.
     *
     * @param provider      0 Anthropic, 1 Gemini
     * @param attemptCount  attempts made
     * @param retryCount    of which retries
     * @param hedged        whether a hedge was sent
     * @param hedgeWon      whether it answered first
     * @param circuitRefused whether an open circuit turned the request away without any attempt
     */
    public void upstream(int provider, int attemptCount, int retryCount, boolean hedged, boolean hedgeWon,
                         boolean circuitRefused) {
        if (attemptCount > 0) {
            attempts[provider].add(attemptCount);
        }
        if (retryCount > 0) {
            retries[provider].add(retryCount);
        }
        if (hedged) {
            hedgesSent[provider].increment();
            if (hedgeWon) {
                hedgesWon[provider].increment();
            }
        }
        if (circuitRefused) {
            circuitRefusals[provider].increment();
        }
    }

    /** Where the circuit breakers' states come from (written as Prometheus gauges at each scrape). */
    public void upstreamState(java.util.function.Consumer<StringBuilder> writer) {
        this.upstreamState = writer;
    }

    /** Counts a shadow rule's match. */
    public void shadowHit(String ruleId) {
        LongAdder hits = shadowHits.get(ruleId);
        if (hits == null) {
            hits = shadowHits.computeIfAbsent(ruleId, id -> new LongAdder());
        }
        hits.increment();
    }

    /** Traffic per tenant, provider and model, and latency by the second (the dashboard's). */
    public TrafficBoard traffic() {
        return traffic;
    }

    /** PII findings so far, by type name: {in requests, in answers}. */
    public Map<String, long[]> piiFindings() {
        Map<String, long[]> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < piiByType.length; i++) {
            out.put(catalogue.types().get(i).name(), new long[] {piiByType[i].sum(), piiResponseByType[i].sum()});
        }
        return out;
    }

    /** Per deciding rule ({@code ""}: none decided): {allow-like, deny, shadow hits}, sorted by rule id. */
    public Map<String, long[]> ruleCounts() {
        Map<String, long[]> out = new TreeMap<>();
        out.put("", new long[] {noRule[0].sum(), noRule[1].sum(), 0});
        ruleDecisions.forEach((rule, counts) -> out.put(rule, new long[] {counts[0].sum(), counts[1].sum(), 0}));
        shadowHits.forEach((rule, hits) -> out.computeIfAbsent(rule, r -> new long[3])[2] = hits.sum());
        return out;
    }

    /** Refusals by the gateway's own budgets and per-minute limits since start: {budget, rate limit}. */
    public long[] refusals() {
        return new long[] {budgetRefusals.sum(), rateRefusals.sum()};
    }

    /** Counts PII findings of one catalogue type (by its index). */
    public void pii(int type, int count) {
        if (count > 0) {
            piiByType[type].add(count);
        }
    }

    /** Counts PII findings of one catalogue type in an answer. */
    public void piiResponse(int type, int count) {
        if (count > 0) {
            piiResponseByType[type].add(count);
        }
    }

    /** Everything in the Prometheus text format. */
    public String prometheus() {
        StringBuilder out = new StringBuilder(4096);
        header(out, "aegis_gateway_requests_total", "counter", "Requests this gateway finished, by status class.");
        String[] classes = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
        for (int i = 0; i < classes.length; i++) {
            out.append("aegis_gateway_requests_total{code=\"").append(classes[i]).append("\"} ")
                    .append(byStatusClass[i].sum()).append('\n');
        }
        counter(out, "aegis_gateway_errors_total", "Requests that ended with an error status or an error.", errors.sum());
        header(out, "aegis_gateway_active_connections", "gauge", "Open client connections.");
        out.append("aegis_gateway_active_connections ").append(activeConnections.getAsInt()).append('\n');
        if (fleetReachable != null) {
            header(out, "aegis_fleet_cluster_reachable", "gauge",
                    "1 while the budget cluster answers this gateway; 0 while budgets run on their fail modes.");
            out.append("aegis_fleet_cluster_reachable ").append(fleetReachable.getAsInt()).append('\n');
        }
        header(out, "aegis_gateway_refusals_total", "counter", "Requests refused by a budget or a per-minute limit.");
        out.append("aegis_gateway_refusals_total{reason=\"budget\"} ").append(budgetRefusals.sum()).append('\n');
        out.append("aegis_gateway_refusals_total{reason=\"rate_limit\"} ").append(rateRefusals.sum()).append('\n');
        header(out, "aegis_gateway_pii_findings_total", "counter", "PII findings by type (counts only, never values).");
        for (int i = 0; i < piiByType.length; i++) {
            out.append("aegis_gateway_pii_findings_total{type=\"").append(catalogue.types().get(i).name()).append("\"} ")
                    .append(piiByType[i].sum()).append('\n');
        }
        header(out, "aegis_gateway_pii_response_findings_total", "counter",
                "PII findings in answers by type, for tenants whose answers are scanned (counts only, never values).");
        for (int i = 0; i < piiResponseByType.length; i++) {
            out.append("aegis_gateway_pii_response_findings_total{type=\"").append(catalogue.types().get(i).name())
                    .append("\"} ").append(piiResponseByType[i].sum()).append('\n');
        }
        header(out, "aegis_gateway_rule_decisions_total", "counter", "Decisions by deciding rule (empty: no rule decided).");
        decision(out, "", noRule);
        Map<String, LongAdder[]> sorted = new TreeMap<>(ruleDecisions);
        sorted.forEach((rule, counts) -> decision(out, rule, counts));
        header(out, "aegis_gateway_rule_shadow_hits_total", "counter",
                "Matches of shadow rules: what they would have done is traced, nothing was done.");
        new TreeMap<>(shadowHits).forEach((rule, hits) -> out.append("aegis_gateway_rule_shadow_hits_total{rule=\"")
                .append(rule.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"} ").append(hits.sum()).append('\n'));
        header(out, "aegis_gateway_overhead_seconds", "histogram", "The gateway's own time before the upstream call.");
        long cumulative = 0;
        for (int i = 0; i < BOUNDS_SECONDS.length; i++) {
            cumulative += overheadBuckets[i].sum();
            out.append("aegis_gateway_overhead_seconds_bucket{le=\"").append(BOUNDS_SECONDS[i]).append("\"} ")
                    .append(cumulative).append('\n');
        }
        cumulative += overheadBuckets[BOUNDS_SECONDS.length].sum();
        out.append("aegis_gateway_overhead_seconds_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
        out.append("aegis_gateway_overhead_seconds_sum ").append(overheadSumNanos.sum() / 1e9).append('\n');
        out.append("aegis_gateway_overhead_seconds_count ").append(cumulative).append('\n');
        String[] providers = {"anthropic", "gemini"};
        perProvider(out, "aegis_upstream_attempts_total", "Upstream attempts, retries and hedges included.", providers, attempts);
        perProvider(out, "aegis_upstream_retries_total", "Retries (same target or failover) after a retryable failure.",
                providers, retries);
        perProvider(out, "aegis_upstream_hedges_total", "Hedged attempts sent after a slow first byte.", providers, hedgesSent);
        perProvider(out, "aegis_upstream_hedges_won_total", "Hedged attempts that answered first.", providers, hedgesWon);
        perProvider(out, "aegis_upstream_circuit_refusals_total",
                "Requests answered at once because every target's circuit was open.", providers, circuitRefusals);
        upstreamState.accept(out);
        counter(out, "aegis_trace_events_dropped_total",
                "Trace events dropped because the queue could not keep up (a stalled disk).", traceDropped.getAsLong());
        return out.toString();
    }

    private static void decision(StringBuilder out, String rule, LongAdder[] counts) {
        String escaped = rule.replace("\\", "\\\\").replace("\"", "\\\"");
        out.append("aegis_gateway_rule_decisions_total{rule=\"").append(escaped).append("\",decision=\"allow\"} ")
                .append(counts[0].sum()).append('\n');
        out.append("aegis_gateway_rule_decisions_total{rule=\"").append(escaped).append("\",decision=\"deny\"} ")
                .append(counts[1].sum()).append('\n');
    }

    private static void perProvider(StringBuilder out, String name, String help, String[] providers, LongAdder[] values) {
        header(out, name, "counter", help);
        for (int i = 0; i < providers.length; i++) {
            out.append(name).append("{provider=\"").append(providers[i]).append("\"} ").append(values[i].sum()).append('\n');
        }
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        header(out, name, "counter", help);
        out.append(name).append(' ').append(value).append('\n');
    }

    /** Writes the {@code # HELP} and {@code # TYPE} lines of one metric. */
    public static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
}
