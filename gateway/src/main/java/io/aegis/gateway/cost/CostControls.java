package io.aegis.gateway.cost;

import io.aegis.cost.Budget;
import io.aegis.cost.CostCounters;
import io.aegis.cost.SpendLedger;
import io.aegis.cost.Pricing;
import io.aegis.cost.RateLimit;
import io.aegis.gateway.config.AegisConfig;
import io.aegis.gateway.config.TenantSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pricing and every tenant's budget and limits, built once from config. Reads on the hot path are
 * one hash lookup; the budgets and limits themselves are lock-free.
 */
public final class CostControls implements AutoCloseable {
    private static final long NANOS_PER_MICRO = 1_000;

    private final Pricing pricing;
    /** Replaced whole by {@link #retune}; a request reads its tenant once. */
    private volatile Map<String, TenantCost> tenants;
    /** Every budget ever made in this run, by scope (a removed one is kept, unlimited, with its spend). */
    private volatile Map<String, Budget> budgets;
    private final CostCounters counters;
    private final SpendLedger ledger;
    private final Map<String, AegisConfig.LimitClass> limitClasses;
    /** Spend read back at start (snapshot and ledger), by scope, for every budget {@link #retune} makes. */
    private final Map<String, long[]> restored;
    /** Set once a fleet shares these controls: every budget and limit made after is shared from its start. */
    private volatile boolean fleetShared;

    private CostControls(Pricing pricing, Map<String, TenantCost> tenants, Map<String, Budget> budgets,
            CostCounters counters, SpendLedger ledger, Map<String, AegisConfig.LimitClass> limitClasses,
            Map<String, long[]> restored) {
        this.pricing = pricing;
        this.tenants = Map.copyOf(tenants);
        this.budgets = Map.copyOf(budgets);
        this.counters = counters;
        this.ledger = ledger;
        this.limitClasses = Map.copyOf(limitClasses);
        this.restored = Map.copyOf(restored);
    }

    /**
     * Puts new tenant settings in force (the control API). Budgets keep their spend and their
     * reservations in flight: an existing scope's budget gets the new limits in place; a scope no
     * longer limited stays counted but unlimited. A per-minute limit keeps its state when its rate
     * is unchanged. Tenants not in {@code settings} are gone for requests that start after this.
     */
    public synchronized void retune(List<TenantSettings> settings, long nowMillis, long nowNanos) {
        Map<String, Budget> allBudgets = new HashMap<>(budgets);
        Map<String, TenantCost> next = new HashMap<>();
        java.util.Set<String> limited = new java.util.HashSet<>();
        for (TenantSettings tenant : settings) {
            TenantCost old = tenants.get(tenant.id());
            Budget budget = null;
            if (tenant.budgetMicrosPerDay() >= 0 || tenant.budgetMicrosPerMonth() >= 0) {
                budget = reuse(allBudgets, tenant.id(), tenant.budgetMicrosPerDay(), tenant.budgetMicrosPerMonth(), nowMillis);
                limited.add(tenant.id());
            }
            Map<String, Budget> byModel = new HashMap<>();
            tenant.modelBudgets().forEach((model, limits) -> {
                String scope = scope(tenant.id(), "model", model);
                byModel.put(model, reuse(allBudgets, scope, limits[0], limits[1], nowMillis));
                limited.add(scope);
            });
            Map<String, Budget> byKey = new HashMap<>();
            tenant.keyBudgets().forEach((key, limits) -> {
                String scope = scope(tenant.id(), "key", key);
                byKey.put(key, reuse(allBudgets, scope, limits[0], limits[1], nowMillis));
                limited.add(scope);
            });
            RateLimit rpm = rate(old == null ? null : old.requestsPerMinute(), tenant.requestsPerMinute(), nowNanos);
            RateLimit tpm = rate(old == null ? null : old.tokensPerMinute(), tenant.tokensPerMinute(), nowNanos);
            Map<String, TenantCost.ClassLimits> classes = old != null ? old.classes() : classLimits(limitClasses, nowNanos);
            next.put(tenant.id(), new TenantCost(tenant.id(), budget, Map.copyOf(byModel), Map.copyOf(byKey), rpm, tpm,
                    classes));
            if (counters != null) {
                counters.ensureTenant(tenant.id());
            }
        }
        allBudgets.forEach((scope, budget) -> {
            if (!limited.contains(scope)) {
                budget.setLimits(Budget.UNLIMITED, Budget.UNLIMITED);
            }
        });
        if (fleetShared) {
            // Shared before any request can see them: a new budget or limit never admits on its own.
            share(allBudgets.values(), next.values(), nowMillis);
        }
        budgets = Map.copyOf(allBudgets);
        tenants = Map.copyOf(next);
    }

    /**
     * From now on a fleet of gateways shares every budget and per-minute limit: this gateway admits
     * only what the budget cluster leases it, including in budgets and limits the control API adds.
     */
    public synchronized void shareWithFleet(long nowMillis) {
        fleetShared = true;
        share(budgets.values(), tenants.values(), nowMillis);
    }

    private static void share(java.util.Collection<Budget> budgets, java.util.Collection<TenantCost> tenants,
                              long nowMillis) {
        budgets.forEach(budget -> budget.shareWithFleet(nowMillis));
        for (TenantCost tenant : tenants) {
            tenant.perMinuteLimits().forEach(RateLimit::shareWithFleet);
        }
    }

    private Budget reuse(Map<String, Budget> all, String scope, long dayMicros, long monthMicros, long nowMillis) {
        Budget existing = all.get(scope);
        if (existing != null) {
            existing.setLimits(limit(dayMicros), limit(monthMicros));
            return existing;
        }
        Budget made = budget(dayMicros, monthMicros, scope, restored, ledger, nowMillis);
        all.put(scope, made);
        return made;
    }

    private static RateLimit rate(RateLimit old, long perMinute, long nowNanos) {
        if (perMinute <= 0) {
            return null;
        }
        return old != null && old.perMinute() == perMinute ? old : new RateLimit(perMinute, nowNanos);
    }

    private static Map<String, TenantCost.ClassLimits> classLimits(Map<String, AegisConfig.LimitClass> limitClasses,
            long nowNanos) {
        Map<String, TenantCost.ClassLimits> classes = new HashMap<>();
        limitClasses.forEach((name, limits) -> classes.put(name, new TenantCost.ClassLimits(
                limits.requestsPerMinute() > 0 ? new RateLimit(limits.requestsPerMinute(), nowNanos) : null,
                limits.tokensPerMinute() > 0 ? new RateLimit(limits.tokensPerMinute(), nowNanos) : null)));
        return Map.copyOf(classes);
    }

    /** Per-tenant usage counters (also readable from {@code DATA_DIR/counters.dat} by other processes), or {@code null}. */
    public CostCounters counters() {
        return counters;
    }

    /** Every budget by snapshot scope: the tenant id, or a narrower scope from {@link #scope}. */
    public Map<String, Budget> budgets() {
        return budgets;
    }

    /**
     * @param snapshot spend already settled in the current windows, by budget scope (from
     *              {@link SpendSnapshots}), as {day nanos, month nanos}
     * @param ledgerFile where settlements are mirrored as they happen ({@link SpendLedger}), or
     *              {@code null}; what a previous run left there counts too (the larger of the two)
     */
    public static CostControls of(Pricing pricing, List<TenantSettings> settings,
            Map<String, AegisConfig.LimitClass> limitClasses, Map<String, long[]> snapshot, CostCounters counters,
            Path ledgerFile, long nowMillis, long nowNanos) {
        List<String> scopes = new ArrayList<>();
        for (TenantSettings tenant : settings) {
            if (tenant.budgetMicrosPerDay() >= 0 || tenant.budgetMicrosPerMonth() >= 0) {
                scopes.add(tenant.id());
            }
            tenant.modelBudgets().keySet().forEach(model -> scopes.add(scope(tenant.id(), "model", model)));
            tenant.keyBudgets().keySet().forEach(key -> scopes.add(scope(tenant.id(), "key", key)));
        }
        SpendLedger ledger = ledgerFile == null ? null : SpendLedger.open(ledgerFile, scopes);
        // Spend from a previous run, by scope: the snapshot's, or the ledger's where that is larger.
        Map<String, long[]> spent = new HashMap<>(snapshot);
        for (String scope : scopes) {
            long[] fromSnapshot = snapshot.getOrDefault(scope, new long[2]);
            long[] fromLedger = ledger == null ? new long[2] : ledger.settledNow(scope, nowMillis);
            // Both only ever lag the truth within a window, so the larger is the better.
            spent.put(scope, new long[] {Math.max(fromSnapshot[0], fromLedger[0]), Math.max(fromSnapshot[1], fromLedger[1])});
        }
        CostControls controls = new CostControls(pricing, Map.of(), Map.of(), counters, ledger, limitClasses, spent);
        // Start-up is the first retune: one way to build budgets and limits, at start and when changed.
        controls.retune(settings, nowMillis, nowNanos);
        return controls;
    }

    /** The snapshot key of a narrower budget: {@code "acme model claude-opus-4-1"}, {@code "acme key 1a2b3c"}. */
    static String scope(String tenant, String kind, String name) {
        return tenant + " " + kind + " " + name;
    }

    private static Budget budget(long dayMicros, long monthMicros, String scope, Map<String, long[]> spent,
            SpendLedger ledger, long nowMillis) {
        long[] before = spent.getOrDefault(scope, new long[2]);
        return new Budget(limit(dayMicros), limit(monthMicros), nowMillis, before[0], before[1],
                ledger == null ? null : ledger.slot(scope));
    }

    @Override
    public void close() {
        if (counters != null) {
            counters.close();
        }
        if (ledger != null) {
            ledger.close();
        }
    }

    private static long limit(long micros) {
        return micros < 0 ? Budget.UNLIMITED : Math.multiplyExact(micros, NANOS_PER_MICRO);
    }

    public Pricing pricing() {
        return pricing;
    }

    /** The tenant's controls, or {@code null} for a tenant without any (passthrough tenants). */
    public TenantCost tenant(String id) {
        return id == null ? null : tenants.get(id);
    }

    public Map<String, TenantCost> tenants() {
        return tenants;
    }
}
