package io.aegis.gateway.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aegis.control.ChangeRejected;
import io.aegis.control.DataPlane;
import io.aegis.control.Json;
import io.aegis.control.Problem;
import io.aegis.cost.Budget;
import io.aegis.cost.CostCounters;
import io.aegis.cost.SpendWindow;
import io.aegis.gateway.GatewayRuntime;
import io.aegis.gateway.auth.VirtualKeyTable;
import io.aegis.gateway.config.AegisConfig;
import io.aegis.gateway.config.ConfigException;
import io.aegis.gateway.config.ConfigLoader;
import io.aegis.yaml.LocatedProblem;
import io.aegis.gateway.config.TenantSettings;
import io.aegis.gateway.cost.TenantCost;
import io.aegis.gateway.metrics.LiveMetrics;
import io.aegis.gateway.pii.PiiAction;
import io.aegis.gateway.pii.PiiPolicy;
import io.aegis.gateway.rules.RuleFiles;
import io.aegis.pii.PiiCatalogue;
import io.aegis.rules.RuleSet;
import io.aegis.rules.RulesException;
import io.aegis.trace.drain.Sampling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The running gateway as the control API sees it. {@link #stage} checks a whole document with the
 * same readers the config file goes through (rules compiled by the rule compiler, tenants and
 * sampling by the config loader, PII policies against the catalogue) and builds everything the
 * data plane will need; {@code apply} only swaps references: the rule set with its version, the
 * key table, the PII policies, the budgets and limits (in place, spend kept), and the sampling of
 * an in-process drainer.
 */
public final class GatewayDataPlane implements DataPlane {

    private final AegisConfig config;
    private final GatewayRuntime runtime;
    private final LiveMetrics metrics;
    private final ObjectMapper json = Json.mapper();
    private volatile Consumer<Sampling> samplingSink = sampling -> { };
    private volatile Sampling sampling = Sampling.all();
    private volatile boolean applied;
    private final io.aegis.gateway.dashboard.Dashboard dashboard;
    private final io.aegis.gateway.dashboard.RecentEvents recentEvents;

    public GatewayDataPlane(AegisConfig config, GatewayRuntime runtime, LiveMetrics metrics) {
        this.config = config;
        this.runtime = runtime;
        this.metrics = metrics;
        this.dashboard = new io.aegis.gateway.dashboard.Dashboard(metrics, runtime::costs,
                () -> runtime.server().upstreams());
        this.recentEvents = new io.aegis.gateway.dashboard.RecentEvents(config.traceQueueDir());
        if (runtime.fleet() != null) {
            var shared = runtime.fleet();
            dashboard.fleet(out -> out.put("connected", shared.connected() && !shared.unreachable())
                    .put("messages_sent", shared.messagesSent()));
        }
    }

    /** Where new sampling settings go (an in-process drainer); the current ones are sent at once by the next apply. */
    public void samplingSink(Consumer<Sampling> sink) {
        this.samplingSink = sink;
    }

    /** The sampling settings of the version in force. */
    public Sampling currentSampling() {
        return sampling;
    }

    @Override
    public ObjectNode initialDocument() {
        ObjectNode doc = json.createObjectNode();
        ArrayNode rules = doc.putArray("rules");
        try {
            Map<String, Integer> seen = new HashMap<>();
            for (Path file : RuleFiles.expand(config.ruleGlobs())) {
                String name = file.getFileName().toString();
                int n = seen.merge(name, 1, Integer::sum);
                rules.addObject().put("name", n == 1 ? name : n + "-" + name).put("yaml", Files.readString(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the rule files named in " + config.file(), e);
        }
        ArrayNode tenants = doc.putArray("tenants");
        for (TenantSettings tenant : config.tenants()) {
            ObjectNode t = tenants.addObject();
            t.put("id", tenant.id());
            ArrayNode keys = t.putArray("keys");
            tenant.keySha256Hex().forEach(hex -> keys.add("sha256:" + hex));
            t.setAll(settingsJson(tenant));
        }
        doc.set("sampling", samplingJson(config.drainer().sampling()));
        return doc;
    }

    @Override
    public ObjectNode tenantSettings(String id, String body) throws ChangeRejected {
        TenantSettings tenant;
        try {
            tenant = ConfigLoader.tenant(id, List.of(), body, "body");
        } catch (ConfigException e) {
            throw rejected(e);
        }
        List<String> unknown = new ArrayList<>();
        policy(tenant, "pii_policy", unknown);
        if (!unknown.isEmpty()) {
            throw new ChangeRejected(unknown.stream().map(m -> new Problem("pii_policy", 0, 0, m)).toList());
        }
        return settingsJson(tenant);
    }

    @Override
    public ObjectNode samplingSettings(String body) throws ChangeRejected {
        try {
            return samplingJson(ConfigLoader.sampling(body, "body"));
        } catch (ConfigException e) {
            throw rejected(e);
        }
    }

    @Override
    public Staged stage(ObjectNode document, long version) throws ChangeRejected {
        List<Problem> problems = new ArrayList<>();
        PiiCatalogue catalogue = runtime.pii().catalogue();

        Map<String, String> ruleTexts = new LinkedHashMap<>();
        for (JsonNode file : document.path("rules")) {
            ruleTexts.put(file.path("name").asText(), file.path("yaml").asText());
        }
        RuleSet rules = null;
        try {
            rules = RuleSet.compileTexts(ruleTexts,
                    catalogue.types().stream().map(io.aegis.pii.PiiType::name).toList());
        } catch (RulesException e) {
            for (LocatedProblem p : e.problems()) {
                problems.add(new Problem(p.file(), p.line(), p.column(),
                        p.key().isEmpty() ? p.message() : p.key() + ": " + p.message()));
            }
        }

        List<TenantSettings> tenants = List.of();
        try {
            tenants = ConfigLoader.tenants(json.writeValueAsString(document.path("tenants")), "tenants");
        } catch (ConfigException e) {
            problems.addAll(rejected(e).problems());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            problems.add(new Problem("tenants", 0, 0, "cannot be written as JSON: " + e.getOriginalMessage()));
        }
        Map<String, PiiPolicy> policies = new HashMap<>();
        Map<String, String> tenantByKey = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        for (TenantSettings tenant : tenants) {
            policies.put(tenant.id(), policy(tenant, "tenants[" + tenant.id() + "].pii_policy", unknown));
            tenant.keySha256Hex().forEach(hex -> tenantByKey.put(hex, tenant.id()));
        }
        unknown.forEach(m -> problems.add(new Problem("tenants", 0, 0, m)));

        AegisConfig.SamplingSettings samplingSettings = null;
        try {
            samplingSettings = ConfigLoader.sampling(json.writeValueAsString(document.path("sampling")), "sampling");
        } catch (ConfigException e) {
            problems.addAll(rejected(e).problems());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            problems.add(new Problem("sampling", 0, 0, "cannot be written as JSON: " + e.getOriginalMessage()));
        }
        if (!problems.isEmpty()) {
            throw new ChangeRejected(problems);
        }
        RuleSet ruleSet = rules;
        List<TenantSettings> tenantList = tenants;
        VirtualKeyTable keys = new VirtualKeyTable(tenantByKey);
        Sampling sampling = new Sampling(samplingSettings.defaultRate(), samplingSettings.tenants(),
                samplingSettings.tags());
        return () -> {
            // Money first, then who may call, then what they may do: a request that sees a new key
            // also sees its tenant's budget.
            runtime.costs().retune(tenantList, System.currentTimeMillis(), System.nanoTime());
            runtime.pii().replacePolicies(policies);
            runtime.server().callers().replaceKeys(keys);
            runtime.rules().swap(ruleSet, version);
            this.sampling = sampling;
            samplingSink.accept(sampling);
            applied = true;
        };
    }

    @Override
    public boolean ready() {
        return applied && runtime.server().isOpen();
    }

    @Override
    public String metrics() {
        return metrics.prometheus();
    }

    @Override
    public ObjectNode dashboard() {
        return dashboard.snapshot();
    }

    @Override
    public List<String> recentEvents(String where, int limit) {
        io.aegis.gateway.dashboard.TraceFilter filter = where == null ? null
                : new io.aegis.gateway.dashboard.TraceFilter(where);
        return recentEvents.newest(filter, limit);
    }

    @Override
    public ObjectNode usage(String tenant) {
        TenantCost cost = runtime.costs().tenant(tenant);
        if (cost == null) {
            return null;
        }
        long now = System.currentTimeMillis();
        ObjectNode out = json.createObjectNode();
        out.put("tenant", tenant);
        if (cost.budget() != null) {
            window(out.putObject("day"), cost.budget().today(now), cost.budget().dayLimitNanos());
            window(out.putObject("month"), cost.budget().thisMonth(now), cost.budget().monthLimitNanos());
        }
        var fleet = runtime.fleet();
        if (fleet != null) {
            ObjectNode shared = out.putObject("fleet");
            shared.put("connected", fleet.connected() && !fleet.unreachable());
            shared.put("fail_mode", fleet.failMode(tenant));
            if (fleet.failOpenMicros(tenant) > 0) {
                shared.put("fail_open_up_to_usd", usd(fleet.failOpenMicros(tenant) * 1_000, 9));
            }
            if (cost.budget() != null) {
                shared.put("day_leased_usd", leased(cost.budget().today(now)));
                shared.put("month_leased_usd", leased(cost.budget().thisMonth(now)));
            }
        }
        CostCounters counters = runtime.costs().counters();
        Map<CostCounters.Metric, Long> values = counters == null ? null : counters.values(tenant);
        if (values != null) {
            ObjectNode since = out.putObject("since_start");
            since.put("requests", values.get(CostCounters.Metric.REQUESTS));
            since.put("input_tokens", values.get(CostCounters.Metric.INPUT_TOKENS));
            since.put("output_tokens", values.get(CostCounters.Metric.OUTPUT_TOKENS));
            since.put("cache_read_tokens", values.get(CostCounters.Metric.CACHE_READ_TOKENS));
            since.put("cache_write_tokens", values.get(CostCounters.Metric.CACHE_WRITE_TOKENS));
            since.put("cost_usd", usd(values.get(CostCounters.Metric.COST_NANOS), 9));
            since.put("refused_budget", values.get(CostCounters.Metric.REFUSED_BUDGET));
            since.put("refused_rate", values.get(CostCounters.Metric.REFUSED_RATE));
        }
        long nowNanos = System.nanoTime();
        if (cost.requestsPerMinute() != null) {
            out.putObject("requests_per_minute").put("limit", cost.requestsPerMinute().perMinute())
                    .put("remaining", cost.requestsPerMinute().remaining(nowNanos));
        }
        if (cost.tokensPerMinute() != null) {
            out.putObject("tokens_per_minute").put("limit", cost.tokensPerMinute().perMinute())
                    .put("remaining", cost.tokensPerMinute().remaining(nowNanos));
        }
        return out;
    }

    private static void window(ObjectNode out, SpendWindow window, long limitNanos) {
        out.put("start", Instant.ofEpochMilli(window.startMillis()).toString());
        out.put("end", Instant.ofEpochMilli(window.endMillis()).toString());
        out.put("spent_usd", usd(window.settledNanos(), 9));
        out.put("reserved_usd", usd(window.committedNanos() - window.settledNanos(), 9));
        if (limitNanos != Budget.UNLIMITED) {
            out.put("limit_usd", usd(limitNanos, 9));
        }
    }

    /** What this gateway may commit in a window (its leases), or {@code null} for an unlimited one. */
    private static BigDecimal leased(io.aegis.cost.SpendWindow window) {
        return window.leasedNanos() == Long.MAX_VALUE ? null : usd(window.leasedNanos(), 9);
    }

    private static BigDecimal usd(long nanos, int scale) {
        return BigDecimal.valueOf(nanos, scale).stripTrailingZeros();
    }

    private PiiPolicy policy(TenantSettings tenant, String where, List<String> unknown) {
        return PiiPolicy.forTenant(tenant, runtime.pii().catalogue(), where, unknown);
    }

    /** A tenant's budget, limits and PII policy in the config file's schema (no id, no keys). */
    private ObjectNode settingsJson(TenantSettings tenant) {
        ObjectNode t = json.createObjectNode();
        ObjectNode budget = json.createObjectNode();
        money(budget, "usd_per_day", tenant.budgetMicrosPerDay());
        money(budget, "usd_per_month", tenant.budgetMicrosPerMonth());
        scoped(budget, "per_model", tenant.modelBudgets());
        scoped(budget, "per_key", tenant.keyBudgets());
        if (!budget.isEmpty()) {
            t.set("budget", budget);
        }
        ObjectNode limits = json.createObjectNode();
        if (tenant.requestsPerMinute() > 0) {
            limits.put("requests_per_minute", tenant.requestsPerMinute());
        }
        if (tenant.tokensPerMinute() > 0) {
            limits.put("tokens_per_minute", tenant.tokensPerMinute());
        }
        if (!limits.isEmpty()) {
            t.set("limits", limits);
        }
        if (!tenant.piiPolicy().isEmpty() || !tenant.piiResponsePolicy().isEmpty() || tenant.piiRestore()) {
            ObjectNode policy = t.putObject("pii_policy");
            new java.util.TreeMap<>(tenant.piiPolicy()).forEach(policy::put);
            if (!tenant.piiResponsePolicy().isEmpty()) {
                ObjectNode response = policy.putObject("response");
                new java.util.TreeMap<>(tenant.piiResponsePolicy()).forEach(response::put);
            }
            if (tenant.piiRestore()) {
                policy.put("restore", true);
            }
        }
        return t;
    }

    private void scoped(ObjectNode budget, String name, Map<String, long[]> scoped) {
        if (scoped.isEmpty()) {
            return;
        }
        ObjectNode out = budget.putObject(name);
        new java.util.TreeMap<>(scoped).forEach((scope, limits) -> {
            ObjectNode one = out.putObject(scope);
            money(one, "usd_per_day", limits[0]);
            money(one, "usd_per_month", limits[1]);
        });
    }

    private static void money(ObjectNode out, String name, long micros) {
        if (micros >= 0) {
            out.put(name, BigDecimal.valueOf(micros, 6).stripTrailingZeros());
        }
    }

    private ObjectNode samplingJson(AegisConfig.SamplingSettings sampling) {
        ObjectNode out = json.createObjectNode();
        out.put("default", sampling.defaultRate());
        ObjectNode tenants = out.putObject("tenants");
        new java.util.TreeMap<>(sampling.tenants()).forEach(tenants::put);
        ObjectNode tags = out.putObject("tags");
        new java.util.TreeMap<>(sampling.tags()).forEach(tags::put);
        return out;
    }

    private static ChangeRejected rejected(ConfigException e) {
        List<Problem> problems = new ArrayList<>();
        for (LocatedProblem p : e.problems()) {
            problems.add(new Problem(p.key() == null || p.key().isEmpty() ? p.file() : p.key(), p.line(), p.column(),
                    p.message()));
        }
        return new ChangeRejected(problems);
    }
}
