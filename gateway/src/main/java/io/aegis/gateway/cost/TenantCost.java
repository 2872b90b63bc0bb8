package io.aegis.gateway.cost;

import io.aegis.cost.Budget;
import io.aegis.cost.RateLimit;

/**
 * One tenant's money and pace: its budget and its per-minute limits; any of them {@code null}
 * when the tenant has none.
 */
public record TenantCost(String tenant, Budget budget, RateLimit requestsPerMinute, RateLimit tokensPerMinute) {
}
