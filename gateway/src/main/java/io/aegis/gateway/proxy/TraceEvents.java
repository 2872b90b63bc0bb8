package io.aegis.gateway.proxy;

import io.aegis.gateway.error.ErrorClass;
import io.aegis.gateway.usage.Usage;
import io.aegis.wire.Provider;
import io.aegis.pii.PiiCatalogue;
import io.aegis.rules.ActionKind;
import io.aegis.rules.Rule;
import io.aegis.trace.TraceEvent;

/**
 * An exchange as its trace event (the README's Trace events section): ids, who, what, the decision, PII as type → count,
 * usage and settled cost, attempts, and timings. {@code t_overhead} is the gateway's own time
 * before it asked for an upstream connection (parsing, scanning, rules, admission); for a request
 * that never went upstream, all of it.
 */
final class TraceEvents {
    private TraceEvents() {
    }

    static TraceEvent fill(Exchange exchange, PiiCatalogue catalogue, TraceEvent e, long nowNanos) {
        ExchangeTimings timings = exchange.timings;
        PolicyRecord policy = exchange.policy;
        AttemptRecord attempts = exchange.attempts;
        e.clear();
        e.timestampNanos = WallClock.epochNanos(timings.acceptedNanos);
        TraceEvent.set(e.traceId, exchange.traceId());
        TraceEvent.set(e.spanId, exchange.spanId());
        if (exchange.tenant() != null) {
            TraceEvent.set(e.tenant, exchange.tenant().id());
            TraceEvent.set(e.keyId, exchange.tenant().keyId());
        }
        e.provider = exchange.route.provider() == Provider.GEMINI ? TraceEvent.Provider.GEMINI : TraceEvent.Provider.ANTHROPIC;
        TraceEvent.set(e.model, exchange.facts.model());
        TraceEvent.set(e.routedModel, policy.routedModel);
        TraceEvent.set(e.path, exchange.route.upstreamPath());
        e.stream = exchange.facts.stream();
        e.status = exchange.response.status;
        Rule deciding = policy.decidingRule();
        if (deciding != null) {
            TraceEvent.set(e.rule, deciding.id());
            e.denied = deciding.action() == ActionKind.DENY;
        } else {
            e.denied = exchange.errorClass == ErrorClass.PII_BLOCKED;
        }
        e.outcome = exchange.outcome;
        TraceEvent.set(e.error, exchange.errorClass == null ? null : exchange.errorClass.wireName());
        Usage usage = exchange.response.usage();
        e.inputTokens = usage.inputTokens();
        e.outputTokens = usage.outputTokens();
        e.cacheReadTokens = usage.cacheReadTokens();
        e.cacheWriteTokens = usage.cacheWriteTokens();
        e.costNanos = exchange.cost.costNanos;
        e.pricedKnown = exchange.cost.pricing == null || exchange.cost.pricing.known();
        e.attempts = attempts.count;
        e.retries = attempts.retries;
        e.hedge = attempts.hedge;
        e.circuit = attempts.circuit;
        TraceEvent.set(e.attemptLog, attempts.log);
        TraceEvent.set(e.upstream, attempts.upstream);
        long end = timings.lastByteNanos != 0 ? timings.lastByteNanos : nowNanos;
        e.totalNanos = end - timings.acceptedNanos;
        e.overheadNanos = timings.upstreamRequestedNanos != 0 ? timings.upstreamRequestedNanos - timings.acceptedNanos
                : e.totalNanos;
        e.ttfbNanos = timings.firstByteNanos != 0 ? timings.firstByteNanos - timings.acceptedNanos : -1;
        for (int type = 0; type < catalogue.types().size(); type++) {
            int count = policy.piiFindings.count(type);
            if (count > 0) {
                e.addPii(catalogue.types().get(type).name(), count);
            }
        }
        for (int i = 0; i < policy.ruleActionCount(); i++) {
            Rule rule = policy.ruleAction(i);
            if (rule.action() == ActionKind.TAG) {
                for (String tag : rule.tags()) {
                    e.addTag(tag);
                }
            } else if (rule.action() == ActionKind.SAMPLE) {
                e.sampleRate = Math.max(e.sampleRate, rule.sampleRate());
            }
        }
        e.configVersion = policy.configVersion;
        for (int i = 0; i < policy.shadowRuleCount(); i++) {
            e.addShadowRule(policy.shadowRule(i).id());
        }
        return e;
    }
}
