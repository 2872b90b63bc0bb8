package io.aegis.gateway.cost;

import io.aegis.cost.Budget;
import io.aegis.cost.RateLimit;
import java.util.Map;

/**
 * One tenant's money and pace: its budget (and narrower ones per model family and per virtual
 * key), its per-minute limits, and its own allowance in each limit class that rules can name; any
 * limit {@code null} when the tenant has none.
 */
public record TenantCost(String tenant, Budget budget, Map<String, Budget> modelBudgets, Map<String, Budget> keyBudgets,
        RateLimit requestsPerMinute, RateLimit tokensPerMinute, Map<String, ClassLimits> classes) {

    /** Every per-minute limit of the tenant: its own and its allowances in limit classes. */
    public java.util.List<RateLimit> perMinuteLimits() {
        java.util.List<RateLimit> all = new java.util.ArrayList<>();
        if (requestsPerMinute != null) {
            all.add(requestsPerMinute);
        }
        if (tokensPerMinute != null) {
            all.add(tokensPerMinute);
        }
        classes.values().forEach(limits -> {
            if (limits.requestsPerMinute() != null) {
                all.add(limits.requestsPerMinute());
            }
            if (limits.tokensPerMinute() != null) {
                all.add(limits.tokensPerMinute());
            }
        });
        return all;
    }

    /** The tenant's allowance in one limit class. */
    public record ClassLimits(RateLimit requestsPerMinute, RateLimit tokensPerMinute) {
    }
}
