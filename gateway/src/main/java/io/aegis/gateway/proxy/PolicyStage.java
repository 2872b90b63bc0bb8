package io.aegis.gateway.proxy;

import io.aegis.gateway.error.ErrorClass;
import io.aegis.gateway.error.GatewayError;
import io.aegis.gateway.pii.PiiInspector;
import io.aegis.gateway.pii.PiiPolicy;
import io.aegis.gateway.rules.ActiveRules;
import io.aegis.rules.ActionKind;
import io.aegis.rules.Decision;
import io.aegis.rules.Rule;
import io.aegis.rules.RuleSet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The second stage: what the security team's policy says about a request. Scans its message text
 * for PII, then decides: the rule set first (a deny refuses with the rule's status and message),
 * then the tenant's PII policy (a blocked type refuses, naming the types, never the values).
 * Redaction covers the types either asks for and rewrites the forwarded body; a route rule changes
 * the model. Everything it found and decided goes into the exchange's {@link PolicyRecord}.
 */
final class PolicyStage {
    private final Exchange exchange;
    private final ProxyContext context;
    /** This connection's requests as rule attributes. */
    private final ExchangeAttributes attributes;

    PolicyStage(Exchange exchange, ProxyContext context) {
        this.exchange = exchange;
        this.context = context;
        this.attributes = new ExchangeAttributes(exchange, context.costs());
    }

    /** The connection's peer address, for {@code client.ip} in rules. */
    void clientIp(String ip) {
        attributes.clientIp(ip);
    }

    /** Applies the policies; the refusal when they refuse the request, else {@code null}. */
    Refusal apply(ByteBufAllocator alloc) {
        PolicyRecord record = exchange.policy;
        PiiInspector pii = context.pii();
        String tenantId = exchange.tenant() == null ? null : exchange.tenant().id();
        int types = pii.catalogue().types().size();
        boolean[] redact = record.redactTypes(types);
        PiiPolicy tenantPolicy = pii.policy(tenantId);
        record.placeholders.reset(types, tenantPolicy.restores());
        PiiInspector.Verdict verdict = pii.inspect(exchange.body, exchange.facts, tenantId, record.messageText,
                record.piiFindings, redact, record.blockedTypes);
        boolean redactAny = verdict == PiiInspector.Verdict.REDACT;
        ActiveRules.Version version = context.rules().current();
        RuleSet rules = version.rules();
        record.configVersion = version.configVersion();
        String routeTo = null;
        if (!rules.rules().isEmpty()) {
            Decision decision = rules.evaluate(attributes.of(version), context.rules().evaluation(rules));
            record.recordDecision(rules, decision);
            if (decision.denied()) {
                Rule rule = rules.rules().get(decision.decidingRule());
                return exchange.refuse(GatewayError.forStatus(rule.status()), rule.message(), ErrorClass.RULE_DENIED)
                        .status(rule.status());
            }
            for (int i = 0; i < decision.actionCount(); i++) {
                Rule rule = rules.rules().get(decision.action(i));
                if (rule.action() == ActionKind.REDACT) {
                    redactAny |= markRedacted(rule, rules, types, redact);
                } else if (rule.action() == ActionKind.ROUTE && routeTo == null) {
                    routeTo = rule.model();
                }
            }
        }
        if (verdict == PiiInspector.Verdict.BLOCK) {
            // Types only: the values themselves never appear in a response, a log or a trace.
            return exchange.refuse(GatewayError.FORBIDDEN, "the request contains " + record.blockedTypes
                    + ", which this gateway does not forward", ErrorClass.PII_BLOCKED);
        }
        if (redactAny) {
            ByteBuf redactedBody = pii.redacted(alloc, exchange.body, record.messageText, record.piiFindings,
                    redact, tenantId, record.placeholders);
            exchange.body.release();
            exchange.body = redactedBody;
            record.redacted = true;
        }
        if (routeTo != null && !routeTo.equals(exchange.facts.model())) {
            routeModel(routeTo, alloc);
        }
        exchange.response.answerPolicy = exchange.response.answerScan.begin(pii, tenantPolicy, record.placeholders,
                tenantId);
        return null;
    }

    /** Marks the types a redact rule names that the request holds; true when it marked any. */
    private boolean markRedacted(Rule rule, RuleSet rules, int types, boolean[] redact) {
        boolean any = false;
        for (String type : rule.types()) {
            int index = rules.piiTypes().indexOf(type);
            if (index >= 0 && index < types && exchange.policy.piiFindings.has(index)) {
                redact[index] = true;
                any = true;
            }
        }
        return any;
    }

    /** Sends the request to another model of the same provider: the body's model field, or the path's. */
    private void routeModel(String model, ByteBufAllocator alloc) {
        if (exchange.route.pathModel() != null) {
            exchange.route.routeToModel(model);
        } else {
            if (exchange.policy.redacted) {
                // Redaction moved the bytes after the first rewritten value: find the model's place again.
                context.parser().parse(exchange.body, exchange.route.operation(), exchange.route.pathModel(),
                        exchange.facts);
            }
            int start = exchange.facts.modelStart();
            int end = exchange.facts.modelEnd();
            if (start < 0) {
                return;
            }
            ByteBuf body = exchange.body;
            byte[] name = model.getBytes(StandardCharsets.UTF_8);
            ByteBuf routed = alloc.buffer(body.readableBytes() - (end - start) + name.length);
            routed.writeBytes(body, body.readerIndex(), start);
            routed.writeBytes(name);
            routed.writeBytes(body, body.readerIndex() + end, body.readableBytes() - end);
            body.release();
            exchange.body = routed;
        }
        exchange.policy.routedModel = model;
    }
}
