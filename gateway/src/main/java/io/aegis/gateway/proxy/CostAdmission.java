package io.aegis.gateway.proxy;

import io.aegis.cost.Budget;
import io.aegis.cost.Cost;
import io.aegis.cost.CostCounters;
import io.aegis.cost.RateLimit;
import io.aegis.cost.Reservation;
import io.aegis.gateway.cost.CostControls;
import io.aegis.gateway.cost.TenantCost;
import io.aegis.gateway.error.ErrorClass;
import io.aegis.gateway.error.GatewayError;
import io.aegis.gateway.usage.Usage;
import io.aegis.rules.ActionKind;
import io.aegis.rules.Rule;
import java.util.concurrent.TimeUnit;

/**
 * The third stage, and the last word on money: admits a request against its tenant's per-minute
 * limits (and those of the rule {@code limit} classes it falls in), then reserves its worst case on
 * the tenant's, model's and key's budgets; a refusal gives back every hold taken before it and
 * answers 429 with {@code retry-after}. {@link #settle} bills what the answer used and releases the
 * rest, once, when the exchange completes.
 */
final class CostAdmission {
    private final Exchange exchange;
    private final ProxyContext context;

    CostAdmission(Exchange exchange, ProxyContext context) {
        this.exchange = exchange;
        this.context = context;
    }

    /** The fleet-shared budget the last refusal came from, and the size refused, or {@code null}. */
    private Budget waitingFor;
    private long waitingForNanos;
    /** The fleet-shared per-minute limit the last refusal came from, and the units refused, or {@code null}. */
    private RateLimit waitingForRate;
    private long waitingForUnits;

    /**
     * Holds the request's limits and budgets; the refusal when one would be exceeded, else {@code null}.
     * The budget holds the worst case (every byte of the body as a prompt token at the dearest prompt
     * rate, plus the whole output cap) until it settles.
     */
    Refusal admit() {
        waitingFor = null;
        waitingForRate = null;
        CostHold hold = exchange.cost;
        CostControls costs = context.costs();
        String model = exchange.policy.routedModel != null ? exchange.policy.routedModel : exchange.facts.model();
        hold.pricing = costs.pricing().of(model);
        TenantCost tenant = costs.tenant(exchange.tenant() == null ? null : exchange.tenant().id());
        hold.tenant = tenant;
        if (tenant == null) {
            return null;
        }
        long nowNs = context.clock().nanoTime();
        long nowMs = System.currentTimeMillis();
        long tokens = exchange.facts.estimatedInputTokens();
        Refusal refused = admit(tenant.requestsPerMinute(), tokens, tenant.tokensPerMinute(), null, nowNs, nowMs);
        for (int i = 0; refused == null && i < exchange.policy.ruleActionCount(); i++) {
            Rule rule = exchange.policy.ruleAction(i);
            if (rule.action() == ActionKind.LIMIT) {
                TenantCost.ClassLimits limits = tenant.classes().get(rule.limitClass());
                if (limits != null) {
                    refused = admit(limits.requestsPerMinute(), tokens, limits.tokensPerMinute(), rule.limitClass(),
                            nowNs, nowMs);
                }
            }
        }
        if (refused != null) {
            return refused;
        }
        long worstCase = Cost.worstCaseNanos(hold.pricing, exchange.body.readableBytes(),
                exchange.facts.maxOutputTokens());
        String keyId = exchange.tenant().keyId();
        refused = reserve(tenant.budget(), worstCase, nowMs, hold.reservation, "this tenant");
        if (refused == null) {
            refused = reserve(tenant.modelBudgets().get(hold.pricing.model()), worstCase, nowMs,
                    hold.modelReservation, "this model");
        }
        if (refused == null) {
            refused = reserve(keyId == null ? null : tenant.keyBudgets().get(keyId), worstCase, nowMs,
                    hold.keyReservation, "this key");
        }
        return refused;
    }

    /**
     * True when the last refusal was a fleet-shared budget or per-minute limit out of leased room
     * though it has room as this gateway sees it: a lease on its way may admit the request if it
     * waits a moment.
     */
    boolean leaseMayCome() {
        long nowMs = System.currentTimeMillis();
        return waitingFor != null ? waitingFor.waitsForLease(waitingForNanos, nowMs)
                : waitingForRate != null && waitingForRate.waitsForLease(waitingForUnits, nowMs);
    }

    /** Holds {@code worstCase} in {@code budget} (absent: nothing to do); on refusal gives back every earlier hold. */
    private Refusal reserve(Budget budget, long worstCase, long nowMs, Reservation hold, String whose) {
        if (budget == null) {
            return null;
        }
        long waitMs = budget.reserve(worstCase, nowMs, hold);
        waitingFor = waitMs > 0 ? budget : null;
        waitingForNanos = worstCase;
        if (waitMs > 0) {
            exchange.cost.releaseAll();
            return refuse("budget exhausted for " + whose + " until the window resets", waitMs,
                    ErrorClass.BUDGET_EXHAUSTED);
        }
        return null;
    }

    /**
     * One request against {@code requests}, {@code tokens} against {@code tokenLimit}; either may be
     * absent. {@code limitClass} names the rule class, or is {@code null} for the tenant's own limits.
     */
    private Refusal admit(RateLimit requests, long tokens, RateLimit tokenLimit, String limitClass, long nowNs,
                          long nowMs) {
        if (requests != null) {
            long waitNs = exchange.cost.admissions.admit(requests, 1, false, nowNs, nowMs);
            if (waitNs > 0) {
                waitingForRate = requests;
                waitingForUnits = 1;
                exchange.cost.releaseAll();
                return refuse("rate limit reached: " + requests.perMinute() + " requests per minute for "
                        + whose(limitClass), TimeUnit.NANOSECONDS.toMillis(waitNs), ErrorClass.RATE_LIMITED);
            }
        }
        if (tokenLimit != null) {
            long waitNs = exchange.cost.admissions.admit(tokenLimit, tokens, true, nowNs, nowMs);
            if (waitNs > 0) {
                waitingForRate = tokenLimit;
                waitingForUnits = tokens;
                exchange.cost.releaseAll();
                return refuse("rate limit reached: " + tokenLimit.perMinute() + " tokens per minute for "
                        + whose(limitClass), TimeUnit.NANOSECONDS.toMillis(waitNs), ErrorClass.RATE_LIMITED);
            }
        }
        return null;
    }

    private static String whose(String limitClass) {
        return limitClass == null ? "this tenant" : "limit class " + limitClass;
    }

    private Refusal refuse(String message, long waitMs, ErrorClass errorClass) {
        return exchange.refuse(GatewayError.RATE_LIMITED, message, errorClass)
                .retryAfterSeconds(Math.max(1, (waitMs + 999) / 1000));
    }

    /** Bills what the response used (the best count seen, for a stream cut short) and releases the rest. */
    void settle() {
        CostHold hold = exchange.cost;
        Usage usage = exchange.response.usage();
        long prompt = usage.inputTokens() + usage.cacheWriteTokens() + usage.cacheReadTokens();
        hold.costNanos = hold.pricing == null || !usage.seen() ? 0
                : Cost.nanos(hold.pricing, usage.inputTokens(), usage.cacheWriteTokens() - usage.cacheWrite1hTokens(),
                        usage.cacheWrite1hTokens(), usage.cacheReadTokens(), usage.outputTokens());
        CostCounters counters = context.costs().counters();
        if (counters != null && hold.tenant != null) {
            counters.request(hold.tenant.tenant(), usage.inputTokens(), usage.outputTokens(),
                    usage.cacheReadTokens(), usage.cacheWriteTokens(), hold.costNanos,
                    exchange.errorClass == ErrorClass.BUDGET_EXHAUSTED, exchange.errorClass == ErrorClass.RATE_LIMITED);
        }
        hold.reservation.settle(hold.costNanos);
        hold.modelReservation.settle(hold.costNanos);
        hold.keyReservation.settle(hold.costNanos);
        hold.admissions.settleTokens(prompt + usage.outputTokens());
    }
}
