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

    /** The tenant's allowance in one limit class. */
    public record ClassLimits(RateLimit requestsPerMinute, RateLimit tokensPerMinute) {
    }
}
