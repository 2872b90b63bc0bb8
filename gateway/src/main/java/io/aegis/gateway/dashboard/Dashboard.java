package io.aegis.gateway.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aegis.cost.Budget;
import io.aegis.cost.SpendWindow;
import io.aegis.gateway.cost.CostControls;
import io.aegis.gateway.cost.TenantCost;
import io.aegis.gateway.metrics.LiveMetrics;
import io.aegis.gateway.resilience.KeyPool;
import io.aegis.gateway.upstream.ProviderUpstream;
import io.aegis.gateway.upstream.UpstreamTarget;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * The dashboard's data in one answer ({@code GET /v1/dashboard}), from in-memory aggregates only:
 * cumulative counters per tenant, provider and model (the page turns them into rates), latency
 * percentiles per second, spend against budget, refusals, circuits and key pools, PII findings and
 * rule decisions. Latency is taken from the recorders at most once a second, however many pages
 * poll, and the last two minutes are kept so a page opened late has a history. Runs on the control
 * API's threads, never an event loop.
 */
public final class Dashboard {
    /** Seconds of latency history kept. */
    static final int HISTORY_SECONDS = 120;
    private static final long SECOND_NANOS = 1_000_000_000L;

    private final LiveMetrics metrics;
    private final Supplier<CostControls> costs;
    private final Supplier<Map<?, ProviderUpstream>> upstreams;
    /** Writes the fleet's state (reachability of the budget cluster), or {@code null} without a fleet. */
    private volatile java.util.function.Consumer<ObjectNode> fleet;
    private final JsonNodeFactory json = JsonNodeFactory.instance;
    private final ArrayDeque<ObjectNode> latency = new ArrayDeque<>();
    private final long startedMillis = System.currentTimeMillis();
    private Histogram[] interval;
    private long lastSampleNanos = System.nanoTime();

    public Dashboard(LiveMetrics metrics, Supplier<CostControls> costs, Supplier<Map<?, ProviderUpstream>> upstreams) {
        this.metrics = metrics;
        this.costs = costs;
        this.upstreams = upstreams;
    }

    /** With a fleet: where its state comes from. */
    public void fleet(java.util.function.Consumer<ObjectNode> writer) {
        this.fleet = writer;
    }

    /** Everything the page shows, now. */
    public synchronized ObjectNode snapshot() {
        long nowMillis = System.currentTimeMillis();
        long nowNanos = System.nanoTime();
        sampleLatency(nowMillis, nowNanos);
        ObjectNode out = json.objectNode();
        out.put("time_ms", nowMillis);
        out.put("started_ms", startedMillis);
        traffic(out.putArray("traffic"));
        ArrayNode points = out.putArray("latency");
        latency.forEach(points::add);
        spend(out.putArray("spend"), nowMillis);
        long[] refusals = metrics.refusals();
        ObjectNode refused = out.putObject("refusals");
        refused.put("gateway_budget", refusals[0]);
        refused.put("gateway_rate_limit", refusals[1]);
        upstreams(out.putArray("upstreams"), nowNanos);
        ObjectNode pii = out.putObject("pii");
        ObjectNode piiAnswers = out.putObject("pii_response");
        metrics.piiFindings().forEach((type, counts) -> {
            pii.put(type, counts[0]);
            piiAnswers.put(type, counts[1]);
        });
        if (fleet != null) {
            fleet.accept(out.putObject("fleet"));
        }
        ArrayNode rules = out.putArray("rules");
        metrics.ruleCounts().forEach((rule, counts) -> {
            if (!rule.isEmpty() || counts[0] + counts[1] > 0) {
                rules.addObject().put("rule", rule.isEmpty() ? "(no rule)" : rule)
                        .put("allow", counts[0]).put("deny", counts[1]).put("shadow", counts[2]);
            }
        });
        return out;
    }

    /** Moves the last second's latencies (or longer, when nobody polled) into the history. */
    private void sampleLatency(long nowMillis, long nowNanos) {
        long elapsed = nowNanos - lastSampleNanos;
        if (elapsed < SECOND_NANOS && !latency.isEmpty()) {
            return;
        }
        interval = metrics.traffic().takeInterval(interval);
        lastSampleNanos = nowNanos;
        ObjectNode point = json.objectNode();
        point.put("t_ms", nowMillis);
        point.put("seconds", Math.round(elapsed / 1e6) / 1e3);
        point.put("count", interval[0].getTotalCount());
        percentiles(point, "total", interval[0]);
        percentiles(point, "overhead", interval[1]);
        percentiles(point, "first_byte", interval[2]);
        percentiles(point, "first_token", interval[3]);
        latency.addLast(point);
        while (latency.size() > HISTORY_SECONDS) {
            latency.removeFirst();
        }
    }

    private static void percentiles(ObjectNode point, String name, Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            point.putNull(name + "_p50_us");
            point.putNull(name + "_p99_us");
        } else {
            point.put(name + "_p50_us", histogram.getValueAtPercentile(50));
            point.put(name + "_p99_us", histogram.getValueAtPercentile(99));
        }
    }

    private void traffic(ArrayNode out) {
        metrics.traffic().forEachSeries((tenant, provider, model, requests, errors, rateLimited, budgetRefused,
                providerRateLimited, outputTokens) -> out.addObject()
                .put("tenant", tenant).put("provider", provider).put("model", model)
                .put("requests", requests).put("errors", errors)
                .put("rate_limited", rateLimited).put("budget_refused", budgetRefused)
                .put("provider_429", providerRateLimited).put("output_tokens", outputTokens));
    }

    /** Every tenant with a budget: today's and this month's spend, settled and reserved apart. */
    private void spend(ArrayNode out, long nowMillis) {
        Map<String, TenantCost> tenants = new TreeMap<>(costs.get().tenants());
        tenants.forEach((id, tenant) -> {
            ObjectNode row = out.addObject().put("tenant", id);
            Budget budget = tenant.budget();
            if (budget != null) {
                window(row.putObject("day"), budget.today(nowMillis), budget.dayLimitNanos());
                window(row.putObject("month"), budget.thisMonth(nowMillis), budget.monthLimitNanos());
            }
            if (tenant.requestsPerMinute() != null) {
                long nowNanos = System.nanoTime();
                row.putObject("requests_per_minute").put("limit", tenant.requestsPerMinute().perMinute())
                        .put("remaining", tenant.requestsPerMinute().remaining(nowNanos));
            }
        });
    }

    private static void window(ObjectNode out, SpendWindow window, long limitNanos) {
        out.put("settled_usd", usd(window.settledNanos()));
        out.put("reserved_usd", usd(window.committedNanos() - window.settledNanos()));
        if (limitNanos == Budget.UNLIMITED) {
            out.putNull("limit_usd");
        } else {
            out.put("limit_usd", usd(limitNanos));
        }
    }

    private void upstreams(ArrayNode out, long nowNanos) {
        for (ProviderUpstream provider : upstreams.get().values()) {
            for (UpstreamTarget target : provider.targets()) {
                ObjectNode row = out.addObject();
                row.put("provider", provider.provider().configName());
                row.put("target", target.index());
                row.put("upstream", target.endpoint().toString());
                row.put("circuit", target.breaker().state(nowNanos).name().toLowerCase(java.util.Locale.ROOT));
                row.put("opened", target.breaker().timesOpened());
                ArrayNode keys = row.putArray("keys");
                KeyPool pool = target.keys();
                for (int i = 0; i < pool.size(); i++) {
                    keys.addObject().put("id", pool.id(i))
                            .put("circuit", pool.breaker(i).state(nowNanos).name().toLowerCase(java.util.Locale.ROOT))
                            .put("in_flight", pool.inFlight(i))
                            .put("resting_ms", pool.restingNanos(i, nowNanos) / 1_000_000);
                }
            }
        }
    }

    private static BigDecimal usd(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros();
    }
}
