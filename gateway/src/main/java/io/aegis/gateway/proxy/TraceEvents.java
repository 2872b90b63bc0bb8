package io.aegis.gateway.proxy;

import io.aegis.trace.TraceField;
import io.aegis.gateway.error.ErrorClass;
import io.aegis.gateway.usage.Usage;
import io.aegis.wire.Provider;
import io.aegis.pii.PiiCatalogue;
import io.aegis.rules.ActionKind;
import io.aegis.rules.Rule;
import io.aegis.trace.TraceEvent;

/**
 * An exchange as its trace event (trace/README.md): ids, who, what, the decision, PII as type → count,
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
        e.set(TraceField.TIMESTAMP, WallClock.epochNanos(timings.acceptedNanos));
        e.set(TraceField.TRACE_ID, exchange.traceId());
        e.set(TraceField.SPAN_ID, exchange.spanId());
        if (exchange.tenant() != null) {
            e.set(TraceField.TENANT, exchange.tenant().id());
            e.set(TraceField.KEY_ID, exchange.tenant().keyId());
        }
        e.provider(exchange.route.provider() == Provider.GEMINI ? TraceEvent.Provider.GEMINI : TraceEvent.Provider.ANTHROPIC);
        e.set(TraceField.MODEL, exchange.facts.model());
        e.set(TraceField.ROUTED_MODEL, policy.routedModel);
        e.set(TraceField.PATH, exchange.route.upstreamPath());
        e.set(TraceField.STREAM, exchange.facts.stream());
        e.set(TraceField.STATUS, exchange.response.status);
        Rule deciding = policy.decidingRule();
        if (deciding != null) {
            e.set(TraceField.RULE, deciding.id());
            e.set(TraceField.DENIED, deciding.action() == ActionKind.DENY);
        } else {
            e.set(TraceField.DENIED, exchange.errorClass == ErrorClass.PII_BLOCKED);
        }
        e.outcome(exchange.outcome);
        e.set(TraceField.ERROR, exchange.errorClass == null ? null : exchange.errorClass.wireName());
        Usage usage = exchange.response.usage();
        e.set(TraceField.INPUT_TOKENS, usage.inputTokens());
        e.set(TraceField.OUTPUT_TOKENS, usage.outputTokens());
        e.set(TraceField.CACHE_READ_TOKENS, usage.cacheReadTokens());
        e.set(TraceField.CACHE_WRITE_TOKENS, usage.cacheWriteTokens());
        e.set(TraceField.COST_NANOS, exchange.cost.costNanos);
        e.set(TraceField.PRICED, exchange.cost.pricing == null || exchange.cost.pricing.known());
        e.set(TraceField.ATTEMPTS, attempts.count);
        e.set(TraceField.RETRIES, attempts.retries);
        e.set(TraceField.HEDGE, attempts.hedge);
        e.set(TraceField.CIRCUIT, attempts.circuit);
        e.set(TraceField.ATTEMPT_LOG, attempts.log);
        e.set(TraceField.API, exchange.route.api().wireName());
        e.set(TraceField.UPSTREAM, attempts.upstream);
        long end = timings.lastByteNanos != 0 ? timings.lastByteNanos : nowNanos;
        e.set(TraceField.TOTAL_NANOS, end - timings.acceptedNanos);
        e.set(TraceField.OVERHEAD_NANOS, timings.upstreamRequestedNanos != 0 ? timings.upstreamRequestedNanos - timings.acceptedNanos
                : e.get(TraceField.TOTAL_NANOS));
        e.set(TraceField.TTFB_NANOS, timings.firstByteNanos != 0 ? timings.firstByteNanos - timings.acceptedNanos : -1);
        for (int type = 0; type < catalogue.types().size(); type++) {
            int count = policy.piiFindings.count(type);
            if (count > 0) {
                e.addPii(catalogue.types().get(type).name(), count);
            }
        }
        if (exchange.response.answerScan.active()) {
            for (int type = 0; type < catalogue.types().size(); type++) {
                int count = exchange.response.answerScan.count(type);
                if (count > 0) {
                    e.addCount(TraceField.PII_RESPONSE, catalogue.types().get(type).name(), count);
                }
            }
        }
        for (int i = 0; i < policy.ruleActionCount(); i++) {
            Rule rule = policy.ruleAction(i);
            if (rule.action() == ActionKind.TAG) {
                for (String tag : rule.tags()) {
                    e.addTag(tag);
                }
            } else if (rule.action() == ActionKind.SAMPLE) {
                e.set(TraceField.SAMPLE_RATE, Math.max(e.decimal(TraceField.SAMPLE_RATE), rule.sampleRate()));
            }
        }
        e.set(TraceField.CONFIG_VERSION, policy.configVersion);
        for (int i = 0; i < policy.shadowRuleCount(); i++) {
            e.addShadowRule(policy.shadowRule(i).id());
        }
        return e;
    }
}
