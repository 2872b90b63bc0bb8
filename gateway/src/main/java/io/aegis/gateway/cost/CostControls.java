package io.aegis.gateway.cost;

import io.aegis.cost.Budget;
import io.aegis.cost.Pricing;
import io.aegis.cost.RateLimit;
import io.aegis.gateway.config.AegisConfig;
import io.aegis.gateway.config.TenantSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pricing and every tenant's budget and limits, built once from config. Reads on the hot path are
 * one hash lookup; the budgets and limits themselves are lock-free.
 */
public final class CostControls {
    private static final long NANOS_PER_MICRO = 1_000;

    private final Pricing pricing;
    private final Map<String, TenantCost> tenants;

    private CostControls(Pricing pricing, Map<String, TenantCost> tenants) {
        this.pricing = pricing;
        this.tenants = Map.copyOf(tenants);
    }

    /**
     * @param spent spend already settled in the current windows, by tenant (from {@link SpendSnapshots}),
     *              as {day nanos, month nanos}
     */
    public static CostControls of(Pricing pricing, List<TenantSettings> settings,
            Map<String, AegisConfig.LimitClass> limitClasses, Map<String, long[]> spent, long nowMillis, long nowNanos) {
        Map<String, TenantCost> tenants = new HashMap<>();
        for (TenantSettings tenant : settings) {
            Budget budget = null;
            if (tenant.budgetMicrosPerDay() >= 0 || tenant.budgetMicrosPerMonth() >= 0) {
                long[] before = spent.getOrDefault(tenant.id(), new long[2]);
                budget = new Budget(limit(tenant.budgetMicrosPerDay()), limit(tenant.budgetMicrosPerMonth()), nowMillis,
                        before[0], before[1]);
            }
            RateLimit rpm = tenant.requestsPerMinute() > 0 ? new RateLimit(tenant.requestsPerMinute(), nowNanos) : null;
            RateLimit tpm = tenant.tokensPerMinute() > 0 ? new RateLimit(tenant.tokensPerMinute(), nowNanos) : null;
            Map<String, TenantCost.ClassLimits> classes = new HashMap<>();
            limitClasses.forEach((name, limits) -> classes.put(name, new TenantCost.ClassLimits(
                    limits.requestsPerMinute() > 0 ? new RateLimit(limits.requestsPerMinute(), nowNanos) : null,
                    limits.tokensPerMinute() > 0 ? new RateLimit(limits.tokensPerMinute(), nowNanos) : null)));
            tenants.put(tenant.id(), new TenantCost(tenant.id(), budget, rpm, tpm, Map.copyOf(classes)));
        }
        return new CostControls(pricing, tenants);
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
