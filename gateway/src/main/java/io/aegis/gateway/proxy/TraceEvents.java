package io.aegis.gateway.proxy;

import io.aegis.wire.Provider;
import io.aegis.gateway.usage.Usage;
import io.aegis.pii.PiiCatalogue;
import io.aegis.rules.ActionKind;
import io.aegis.rules.Rule;
import io.aegis.trace.TraceEvent;

/**
 * An exchange as its trace event (SPEC §7): ids, who, what, the decision, PII as type → count,
 * usage and settled cost, attempts, and timings. {@code t_overhead} is the gateway's own time
 * before it asked for an upstream connection (parsing, scanning, rules, admission); for a request
 * that never went upstream, all of it.
 */
final class TraceEvents {
    private TraceEvents() {
    }

    static TraceEvent fill(Exchange exchange, PiiCatalogue catalogue, TraceEvent e) {
        e.clear();
        e.timestampNanos = WallClock.epochNanos(exchange.acceptedNanos);
        TraceEvent.set(e.traceId, exchange.traceId());
        TraceEvent.set(e.spanId, exchange.spanId());
        if (exchange.tenant() != null) {
            TraceEvent.set(e.tenant, exchange.tenant().id());
            TraceEvent.set(e.keyId, exchange.tenant().keyId());
        }
        e.provider = exchange.route.provider() == Provider.GEMINI ? TraceEvent.Provider.GEMINI : TraceEvent.Provider.ANTHROPIC;
        TraceEvent.set(e.model, exchange.facts.model());
        TraceEvent.set(e.routedModel, exchange.routedModel);
        TraceEvent.set(e.path, exchange.route.upstreamPath());
        e.stream = exchange.facts.stream();
        e.status = exchange.status;
        Rule deciding = exchange.decidingRule();
        if (deciding != null) {
            TraceEvent.set(e.rule, deciding.id());
            e.denied = deciding.action() == ActionKind.DENY;
        } else {
            e.denied = "pii_blocked".equals(exchange.errorClass);
        }
        e.outcome = TraceEvent.Outcome.values()[exchange.outcome.ordinal()];
        TraceEvent.set(e.error, exchange.errorClass);
        Usage usage = exchange.usageReader.usage();
        e.inputTokens = usage.inputTokens();
        e.outputTokens = usage.outputTokens();
        e.cacheReadTokens = usage.cacheReadTokens();
        e.cacheWriteTokens = usage.cacheWriteTokens();
        e.costNanos = exchange.costNanos;
        e.pricedKnown = exchange.pricing == null || exchange.pricing.known();
        e.attempts = exchange.attempts;
        e.retries = exchange.retries;
        e.hedge = exchange.hedge;
        e.circuit = exchange.circuit;
        TraceEvent.set(e.attemptLog, exchange.attemptLog);
        TraceEvent.set(e.upstream, exchange.upstream);
        long end = exchange.lastByteNanos != 0 ? exchange.lastByteNanos : System.nanoTime();
        e.totalNanos = end - exchange.acceptedNanos;
        e.overheadNanos = exchange.upstreamRequestedNanos != 0 ? exchange.upstreamRequestedNanos - exchange.acceptedNanos
                : e.totalNanos;
        e.ttfbNanos = exchange.firstByteNanos != 0 ? exchange.firstByteNanos - exchange.acceptedNanos : -1;
        for (int type = 0; type < catalogue.types().size(); type++) {
            int count = exchange.piiFindings.count(type);
            if (count > 0) {
                e.addPii(catalogue.types().get(type).name(), count);
            }
        }
        for (int i = 0; i < exchange.ruleActionCount; i++) {
            Rule rule = exchange.ruleAction(i);
            if (rule.action() == ActionKind.TAG) {
                for (String tag : rule.tags()) {
                    e.addTag(tag);
                }
            } else if (rule.action() == ActionKind.SAMPLE) {
                e.sampleRate = Math.max(e.sampleRate, rule.sampleRate());
            }
        }
        e.configVersion = exchange.configVersion;
        for (int i = 0; i < exchange.shadowRuleCount; i++) {
            e.addShadowRule(exchange.shadowRule(i).id());
        }
        return e;
    }
}
