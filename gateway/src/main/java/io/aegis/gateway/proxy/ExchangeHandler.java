package io.aegis.gateway.proxy;

import io.aegis.cost.Budget;
import io.aegis.cost.Cost;
import io.aegis.cost.CostCounters;
import io.aegis.cost.RateLimit;
import io.aegis.cost.Reservation;
import io.aegis.gateway.auth.CallerAuthenticator;
import io.aegis.gateway.config.AuthMode;
import io.aegis.gateway.cost.CostControls;
import io.aegis.gateway.cost.TenantCost;
import io.aegis.gateway.error.GatewayError;
import io.aegis.gateway.error.ProviderErrors;
import io.aegis.gateway.pii.PiiInspector;
import io.aegis.wire.Provider;
import io.aegis.gateway.rules.ActiveRules;
import io.aegis.gateway.upstream.MalformedUpstreamResponse;
import io.aegis.gateway.config.HedgeSettings;
import io.aegis.gateway.config.RetrySettings;
import io.aegis.gateway.resilience.CircuitBreaker;
import io.aegis.gateway.resilience.RetryAdvice;
import io.aegis.gateway.upstream.ProviderUpstream;
import io.aegis.gateway.upstream.RoutePolicy;
import io.aegis.gateway.upstream.UpstreamConnections;
import io.aegis.gateway.upstream.UpstreamEndpoint;
import io.aegis.gateway.upstream.UpstreamTarget;
import io.aegis.gateway.usage.Usage;
import io.aegis.rules.ActionKind;
import io.aegis.rules.Decision;
import io.aegis.rules.Rule;
import io.aegis.rules.RuleSet;
import io.aegis.trace.TraceEvent;
import io.aegis.gateway.metrics.LiveMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an exchange once its request is read: parses the body, applies rules, PII policy and cost
 * admission, then sends the request upstream and relays the response as it arrives, on a pooled
 * connection of the same event loop. Backpressure: the upstream is read only while the caller's
 * channel is writable.
 *
 * <p>Until the first byte of an answer reaches the caller, a failure can be tried again: retryable
 * statuses and connection failures are retried with backoff (or the wait the upstream asked for) on
 * the same target, then on the failover targets, within the per-request attempts, the provider's
 * retry budget and the total deadline; targets and keys behind an open circuit are skipped. With
 * hedging on, a slow first byte starts a second attempt and the first to answer wins. When nothing
 * is left, the caller gets the last upstream error as it came, or a provider-shaped 502/503/504.
 * After the first byte, a failure becomes an in-stream error event (for event streams) and a close
 * without the final chunk, so that no caller mistakes a cut stream for a complete one.
 */
final class ExchangeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ExchangeHandler.class);
    /** Retries on a fresh connection when a pooled one turns out to be closed before any response byte. */
    private static final int MAX_STALE_CONNECTION_RETRIES = 2;
    /** How long a key rests after a 429 that did not say. */
    private static final long DEFAULT_COOLDOWN_MS = 1_000;

    private final Exchange exchange;
    private final ProxyContext context;
    private final RequestReader reader;
    private final ExchangeDeadlines deadlines = new ExchangeDeadlines();
    private final Runnable deadlineCheck = this::checkDeadlines;
    private ChannelHandlerContext ctx;
    private ProviderUpstream provider;
    private RoutePolicy policy;
    /** The upstream path and query, after each target's base path. */
    private String upstreamPathAndQuery;
    /** The main line of attempts (first try and retries) and the hedge. */
    private final UpstreamAttempt main = new UpstreamAttempt(this);
    private final UpstreamAttempt hedgeSlot = new UpstreamAttempt(this);
    /** The attempt whose response the caller gets, from its first byte on. */
    private UpstreamAttempt winner;
    /** The winner's connection while its response is relayed. */
    private Channel upstream;
    private boolean upstreamReusable;
    private ScheduledFuture<?> timer;
    /** When the armed timer fires, in nanoTime terms. */
    private long timerDueNs;
    /** The target of the main line, and the attempts made on it. */
    private int targetIndex;
    private int attemptsOnTarget;
    private boolean retryPending;
    private long retryDueNs;
    private int retryTarget;
    private boolean hedgeArmed;
    private long hedgeDueNs;
    /** Set by {@link #pick} when a target was passed over because all its keys were cooling down. */
    private boolean keysCooling;
    /**
     * Keys of target {@link #refusedKeysTarget} that refused this request (401 or 403), a bit per key
     * index: a retry takes another key of the pool, never one of these.
     */
    private long refusedKeys;
    private int refusedKeysTarget;
    private int pickedKey;
    private int pickedTargetGrant;
    private int pickedKeyGrant;
    private final int[] keyGrant = new int[1];
    /** The last failure before anything reached the caller: an upstream error response, or a connection error. */
    private HttpResponse failedHead;
    private ByteBuf failedBody;
    private GatewayError failedError;
    private String failedMessage;
    private String failedErrorClass;
    /** This connection's requests as rule attributes. */
    private final ExchangeAttributes attributes;

    ExchangeHandler(Exchange exchange, ProxyContext context, RequestReader reader) {
        this.exchange = exchange;
        this.context = context;
        this.reader = reader;
        this.attributes = new ExchangeAttributes(exchange, context.costs());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress peer && peer.getAddress() != null) {
            attributes.clientIp(peer.getAddress().getHostAddress());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg == exchange) {
            dispatch();
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void dispatch() {
        if (exchange.rejection != null) {
            respondWithError(exchange.rejection, exchange.rejectionMessage, Exchange.Outcome.REJECTED,
                    errorClassOf(exchange.rejection));
            return;
        }
        String problem = context.parser().parse(exchange.body, exchange.route.operation(),
                exchange.route.pathModel(), exchange.facts);
        if (problem != null) {
            respondWithError(GatewayError.BAD_REQUEST, problem, Exchange.Outcome.REJECTED, "bad_request");
            return;
        }
        Provider calledProvider = exchange.route.provider();
        provider = context.upstreams().provider(calledProvider);
        if (provider == null) {
            respondWithError(GatewayError.NOT_FOUND, "this gateway has no " + calledProvider.configName()
                    + " provider configured", Exchange.Outcome.REJECTED, "provider_not_configured");
            return;
        }
        boolean virtual = context.authenticator().mode() == AuthMode.VIRTUAL;
        if (virtual && !provider.hasKeys()) {
            respondWithError(GatewayError.INTERNAL, "no " + calledProvider.configName()
                    + " provider key is configured on the gateway (" + provider.apiKeySource() + ")",
                    Exchange.Outcome.REJECTED, "provider_key_missing");
            provider = null;
            return;
        }
        if (!applyPolicies() || !admitCost()) {
            provider = null;
            return;
        }
        String query = virtual ? CallerAuthenticator.withoutKey(exchange.route.query()) : exchange.route.query();
        upstreamPathAndQuery = exchange.route.upstreamPath() + (query == null ? "" : "?" + query);
        String model = exchange.routedModel != null ? exchange.routedModel : exchange.facts.model();
        policy = provider.policy(model, exchange.facts.stream());
        long now = System.nanoTime();
        deadlines.start(policy.timeouts(), exchange.acceptedNanos);
        exchange.upstreamRequestedNanos = now;
        provider.retryBudget().request(now);
        winner = null;
        targetIndex = -1;
        attemptsOnTarget = 0;
        retryPending = false;
        hedgeArmed = false;
        keysCooling = false;
        refusedKeys = 0;
        refusedKeysTarget = -1;
        armTimer(now);
        firstAttempt(now);
    }

    /**
     * Scans the message text, then decides: the rule set first (a deny ends here with the rule's
     * status and message), then the tenant's PII policy; redaction covers the types either asks
     * for, and a route rule changes the model. False when the request was refused.
     */
    private boolean applyPolicies() {
        PiiInspector pii = context.pii();
        String tenantId = exchange.tenant() == null ? null : exchange.tenant().id();
        int types = pii.catalogue().types().size();
        boolean[] redact = exchange.redactTypes(types);
        PiiInspector.Verdict verdict = pii.inspect(exchange.body, exchange.facts, tenantId, exchange.messageText,
                exchange.piiFindings, redact, exchange.blockedTypes);
        boolean redactAny = verdict == PiiInspector.Verdict.REDACT;
        if (!redactAny) {
            Arrays.fill(redact, false);
        }
        ActiveRules.Version version = context.rules().current();
        RuleSet rules = version.rules();
        exchange.configVersion = version.configVersion();
        String routeTo = null;
        if (!rules.rules().isEmpty()) {
            Decision decision = rules.evaluate(attributes.of(version), context.rules().evaluation(rules));
            exchange.recordDecision(rules, decision);
            if (decision.denied()) {
                Rule rule = rules.rules().get(decision.decidingRule());
                respondWithError(GatewayError.forStatus(rule.status()), rule.status(), rule.message(),
                        Exchange.Outcome.REJECTED, "rule_denied");
                return false;
            }
            for (int i = 0; i < decision.actionCount(); i++) {
                Rule rule = rules.rules().get(decision.action(i));
                if (rule.action() == ActionKind.REDACT) {
                    for (String type : rule.types()) {
                        int index = rules.piiTypes().indexOf(type);
                        if (index >= 0 && index < types && exchange.piiFindings.has(index)) {
                            redact[index] = true;
                            redactAny = true;
                        }
                    }
                } else if (rule.action() == ActionKind.ROUTE && routeTo == null) {
                    routeTo = rule.model();
                }
            }
        }
        if (verdict == PiiInspector.Verdict.BLOCK) {
            // Types only: the values themselves never appear in a response, a log or a trace.
            respondWithError(GatewayError.FORBIDDEN, "the request contains " + exchange.blockedTypes
                    + ", which this gateway does not forward", Exchange.Outcome.REJECTED, "pii_blocked");
            return false;
        }
        if (redactAny) {
            ByteBuf redactedBody = pii.redacted(ctx.alloc(), exchange.body, exchange.messageText,
                    exchange.piiFindings, redact, tenantId);
            exchange.body.release();
            exchange.body = redactedBody;
            exchange.redacted = true;
        }
        if (routeTo != null && !routeTo.equals(exchange.facts.model())) {
            routeModel(routeTo);
        }
        return true;
    }

    /**
     * The tenant's per-minute limits, those of the rule {@code limit} classes the request falls in,
     * then its budget: each admission is given back if a later one refuses. The budget holds the
     * request's worst case (every byte of the body as a prompt token at the dearest prompt rate,
     * plus the whole output cap) until it settles. False when the request was refused (429 with
     * {@code retry-after}).
     */
    private boolean admitCost() {
        CostControls costs = context.costs();
        String model = exchange.routedModel != null ? exchange.routedModel : exchange.facts.model();
        exchange.pricing = costs.pricing().of(model);
        TenantCost tenant = costs.tenant(exchange.tenant() == null ? null : exchange.tenant().id());
        exchange.tenantCost = tenant;
        if (tenant == null) {
            return true;
        }
        long nowNs = System.nanoTime();
        long tokens = exchange.facts.estimatedInputTokens();
        if (!admit(tenant.requestsPerMinute(), tokens, tenant.tokensPerMinute(), null, nowNs)) {
            return false;
        }
        for (int i = 0; i < exchange.ruleActionCount; i++) {
            Rule rule = exchange.ruleAction(i);
            if (rule.action() == ActionKind.LIMIT) {
                TenantCost.ClassLimits limits = tenant.classes().get(rule.limitClass());
                if (limits != null && !admit(limits.requestsPerMinute(), tokens, limits.tokensPerMinute(),
                        rule.limitClass(), nowNs)) {
                    return false;
                }
            }
        }
        long worstCase = Cost.worstCaseNanos(exchange.pricing, exchange.body.readableBytes(),
                exchange.facts.maxOutputTokens());
        long nowMs = System.currentTimeMillis();
        String keyId = exchange.tenant().keyId();
        return reserve(tenant.budget(), worstCase, nowMs, exchange.reservation, "this tenant")
                && reserve(tenant.modelBudgets().get(exchange.pricing.model()), worstCase, nowMs,
                        exchange.modelReservation, "this model")
                && reserve(keyId == null ? null : tenant.keyBudgets().get(keyId), worstCase, nowMs,
                        exchange.keyReservation, "this key");
    }

    /** Holds {@code worstCase} in {@code budget} (absent: nothing to do); on refusal gives back every earlier hold. */
    private boolean reserve(Budget budget, long worstCase, long nowMs, Reservation hold, String whose) {
        if (budget == null) {
            return true;
        }
        long waitMs = budget.reserve(worstCase, nowMs, hold);
        if (waitMs > 0) {
            exchange.reservation.release();
            exchange.modelReservation.release();
            exchange.keyReservation.release();
            exchange.admissions.rollback();
            refuseCost("budget exhausted for " + whose + " until the window resets", waitMs, "budget_exhausted");
            return false;
        }
        return true;
    }

    /**
     * One request against {@code requests}, {@code tokens} against {@code tokenLimit}; either may be
     * absent. {@code limitClass} names the rule class, or is {@code null} for the tenant's own limits.
     */
    private boolean admit(RateLimit requests, long tokens, RateLimit tokenLimit, String limitClass, long nowNs) {
        if (requests != null) {
            long waitNs = exchange.admissions.admit(requests, 1, false, nowNs);
            if (waitNs > 0) {
                exchange.admissions.rollback();
                refuseCost("rate limit reached: " + requests.perMinute() + " requests per minute for " + whose(limitClass),
                        TimeUnit.NANOSECONDS.toMillis(waitNs), "rate_limited");
                return false;
            }
        }
        if (tokenLimit != null) {
            long waitNs = exchange.admissions.admit(tokenLimit, tokens, true, nowNs);
            if (waitNs > 0) {
                exchange.admissions.rollback();
                refuseCost("rate limit reached: " + tokenLimit.perMinute() + " tokens per minute for " + whose(limitClass),
                        TimeUnit.NANOSECONDS.toMillis(waitNs), "rate_limited");
                return false;
            }
        }
        return true;
    }

    private static String whose(String limitClass) {
        return limitClass == null ? "this tenant" : "limit class " + limitClass;
    }

    private void refuseCost(String message, long waitMs, String errorClass) {
        long retryAfterSeconds = Math.max(1, (waitMs + 999) / 1000);
        respondWithError(GatewayError.RATE_LIMITED, GatewayError.RATE_LIMITED.status(), message,
                Exchange.Outcome.REJECTED, errorClass, retryAfterSeconds);
    }

    /** Bills what the response used (the best count seen, for a stream cut short) and releases the rest. */
    private void settleCost() {
        Usage usage = exchange.usageReader.usage();
        long prompt = usage.inputTokens() + usage.cacheWriteTokens() + usage.cacheReadTokens();
        exchange.costNanos = exchange.pricing == null || !usage.seen() ? 0
                : Cost.nanos(exchange.pricing, usage.inputTokens(), usage.cacheWriteTokens() - usage.cacheWrite1hTokens(),
                        usage.cacheWrite1hTokens(), usage.cacheReadTokens(), usage.outputTokens());
        CostCounters counters = context.costs().counters();
        if (counters != null && exchange.tenantCost != null) {
            counters.request(exchange.tenantCost.tenant(), usage.inputTokens(), usage.outputTokens(),
                    usage.cacheReadTokens(), usage.cacheWriteTokens(), exchange.costNanos,
                    "budget_exhausted".equals(exchange.errorClass), "rate_limited".equals(exchange.errorClass));
        }
        exchange.reservation.settle(exchange.costNanos);
        exchange.modelReservation.settle(exchange.costNanos);
        exchange.keyReservation.settle(exchange.costNanos);
        exchange.admissions.settleTokens(prompt + usage.outputTokens());
    }

    /** Sends the request to another model of the same provider: the body's model field, or the path's. */
    private void routeModel(String model) {
        if (exchange.route.pathModel() != null) {
            exchange.route.routeToModel(model);
        } else {
            if (exchange.redacted) {
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
            ByteBuf routed = ctx.alloc().buffer(body.readableBytes() - (end - start) + name.length);
            routed.writeBytes(body, body.readerIndex(), start);
            routed.writeBytes(name);
            routed.writeBytes(body, body.readerIndex() + end, body.readableBytes() - end);
            body.release();
            exchange.body = routed;
        }
        exchange.routedModel = model;
    }

    // ---- Attempts: pick a target and key, connect, send, and judge the answer ----

    /**
     * Finds the first target from {@code from} on whose circuit and key pool let an attempt through,
     * taking its permits into {@link #pickedTargetGrant}, {@link #pickedKey} and {@link #pickedKeyGrant};
     * -1 when none will. Notes on the exchange what it met: an open circuit, a half-open probe, keys
     * all cooling down.
     */
    private int pick(long now, int from) {
        List<UpstreamTarget> targets = provider.targets();
        boolean virtual = context.authenticator().mode() == AuthMode.VIRTUAL;
        for (int t = from; t < targets.size(); t++) {
            UpstreamTarget candidate = targets.get(t);
            int grant = candidate.breaker().tryAcquire(now);
            if (grant == CircuitBreaker.REFUSED) {
                exchange.circuit = (byte) Math.max(exchange.circuit, Exchange.CIRCUIT_OPEN);
                continue;
            }
            int key = -1;
            if (virtual && candidate.keys().size() == 0) {
                // A failover target whose own keys are not set: not a target for this gateway.
                candidate.breaker().abandoned(grant == CircuitBreaker.PROBE);
                continue;
            }
            if (virtual) {
                key = candidate.keys().acquire(now, keyGrant, t == refusedKeysTarget ? refusedKeys : 0);
                if (key < 0) {
                    candidate.breaker().abandoned(grant == CircuitBreaker.PROBE);
                    keysCooling = true;
                    continue;
                }
            }
            if (grant == CircuitBreaker.PROBE) {
                exchange.circuit = (byte) Math.max(exchange.circuit, Exchange.CIRCUIT_HALF_OPEN);
            }
            pickedTargetGrant = grant;
            pickedKey = key;
            pickedKeyGrant = key < 0 ? CircuitBreaker.GRANTED : keyGrant[0];
            return t;
        }
        return -1;
    }

    /**
     * The first attempt of an exchange. When every key is resting after a 429, it waits for the first
     * to be free (as a retry would, not counted as one); when every circuit is open, or the wait is
     * longer than a retry would sit out, it is answered at once with 503 or 429.
     */
    private void firstAttempt(long now) {
        int t = pick(now, 0);
        if (t >= 0) {
            launch(main, t, false);
        } else if (!waitForKeys(now, 0)) {
            refuseUnavailable(now);
        }
    }

    /**
     * Schedules the next try from target {@code from} for when a key is free again, if keys were all
     * that stood in the way and the wait fits the retry limits; false when it does not.
     */
    private boolean waitForKeys(long now, int from) {
        if (!keysCooling) {
            return false;
        }
        long waitNs = Long.MAX_VALUE;
        List<UpstreamTarget> targets = provider.targets();
        for (int i = from; i < targets.size(); i++) {
            if (targets.get(i).breaker().wouldAllow(now)) {
                waitNs = Math.min(waitNs, targets.get(i).keys().nanosUntilAvailable(now));
            }
        }
        // At least a millisecond: a key free "now" that pick could not take (a probe raced away) is not spun on.
        waitNs = Math.max(waitNs, 1_000_000L);
        if (waitNs > TimeUnit.MILLISECONDS.toNanos(policy.retries().maxRetryAfterMs())
                || now + waitNs - deadlines.totalDeadlineNanos() >= 0) {
            return false;
        }
        keysCooling = false;
        retryTarget = from;
        retryPending = true;
        retryDueNs = now + waitNs;
        rearmIfSooner(now);
        return true;
    }

    /** No target would take an attempt: keys cooling down (429 with the wait) or circuits open (503). */
    private void refuseUnavailable(long now) {
        if (keysCooling) {
            long waitNs = Long.MAX_VALUE;
            for (UpstreamTarget t : provider.targets()) {
                waitNs = Math.min(waitNs, t.keys().nanosUntilAvailable(now));
            }
            long retryAfterSeconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNs + 999_999_999L));
            respondWithError(GatewayError.RATE_LIMITED, GatewayError.RATE_LIMITED.status(),
                    "every " + provider.provider().configName() + " key is rate limited upstream; retry later",
                    Exchange.Outcome.UPSTREAM_FAILED, "upstream_keys_cooling", retryAfterSeconds);
            return;
        }
        respondWithError(GatewayError.UPSTREAM_UNAVAILABLE, "the " + provider.provider().configName()
                + " upstream is failing and its circuit is open; retry later",
                Exchange.Outcome.UPSTREAM_FAILED, "upstream_circuit_open");
    }

    /** Starts {@code slot} against target {@code t} with the permits {@link #pick} took. */
    private void launch(UpstreamAttempt slot, int t, boolean hedge) {
        UpstreamTarget chosen = provider.targets().get(t);
        slot.begin(chosen, pickedKey, pickedTargetGrant, pickedKeyGrant, hedge);
        exchange.attempts++;
        if (!hedge) {
            if (t != targetIndex) {
                targetIndex = t;
                attemptsOnTarget = 0;
            }
            attemptsOnTarget++;
        }
        UpstreamEndpoint endpoint = chosen.endpoint();
        String key = pickedKey >= 0 ? chosen.keys().key(pickedKey) : null;
        slot.request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                endpoint.basePath() + upstreamPathAndQuery, exchange.body.retainedDuplicate(),
                HeaderPolicy.upstreamRequest(exchange.requestHeaders, provider.provider(), key,
                        endpoint.hostHeader(), exchange.body.readableBytes(), exchange.trace.outbound()),
                EmptyHttpHeaders.INSTANCE);
        if (exchange.upstream == null || !hedge) {
            exchange.upstream = endpoint.toString();
        }
        connect(slot);
    }

    private void connect(UpstreamAttempt slot) {
        long sequence = slot.sequence;
        ChannelFuture connect = context.upstreams().pool(ctx.channel().eventLoop())
                .acquire(slot.target.endpoint(), deadlines.connectMillis());
        if (connect.isDone()) {
            connected(slot, sequence, connect);
        } else {
            connect.addListener((ChannelFutureListener) f -> connected(slot, sequence, f));
        }
    }

    private void connected(UpstreamAttempt slot, long sequence, ChannelFuture future) {
        if (sequence != slot.sequence || !slot.active || !exchange.inFlight) {
            // The attempt ended (caller left, timed out, lost a hedge) while it was connecting.
            if (future.isSuccess()) {
                future.channel().close();
            }
            return;
        }
        if (!future.isSuccess()) {
            attemptFailed(slot, future.cause());
            return;
        }
        Channel channel = future.channel();
        slot.channel = channel;
        long now = System.nanoTime();
        if (exchange.upstreamConnectedNanos == 0) {
            exchange.upstreamConnectedNanos = now;
        }
        UpstreamConnections.bind(channel, slot);
        channel.writeAndFlush(slot.request.retainedDuplicate()).addListener(f -> {
            if (!f.isSuccess() && slot.channel == channel && slot.sequence == sequence) {
                attemptFailed(slot, f.cause());
            }
        });
        slot.sentNanos = now;
        slot.firstByteDueNanos = now + deadlines.firstByteNanos();
        if (!slot.hedge && policy.hedge() != null && exchange.hedge == Exchange.HEDGE_NONE && !hedgeArmed
                && exchange.attempts == 1) {
            hedgeArmed = true;
            hedgeDueNs = now + hedgeDelayNanos(slot.target, now);
        }
        rearmIfSooner(now);
        channel.read();
    }

    /** The configured delay, or the target's recent percentile of time to first byte (not below the floor). */
    private long hedgeDelayNanos(UpstreamTarget target, long now) {
        HedgeSettings hedge = policy.hedge();
        if (hedge.percentile() > 0) {
            long observed = target.firstByteTimes().percentileNanos(hedge.percentile(), now);
            if (observed > 0) {
                return Math.max(observed, TimeUnit.MILLISECONDS.toNanos(hedge.minDelayMs()));
            }
        }
        return TimeUnit.MILLISECONDS.toNanos(hedge.delayMs());
    }

    void attemptHead(UpstreamAttempt slot, HttpResponse head) {
        if (!slot.active || !exchange.inFlight) {
            return;
        }
        int status = head.status().code();
        int says = RetryAdvice.shouldRetry(head.headers());
        boolean retryable = winner == null
                && (says == 1 ? status >= 400 : says != 0 && (RetryAdvice.retryableStatus(status) || anotherKey(slot, status)));
        slot.head = head;
        slot.reusable = HttpUtil.isKeepAlive(head);
        if (retryable) {
            // Read the error whole before deciding: its body may carry the wait (Gemini's RetryInfo),
            // and if no retry is left it goes to the caller as it came.
            slot.drainingError = true;
            slot.releaseErrorBody();
            slot.errorBody = ctx.alloc().buffer();
        }
        // Otherwise the head waits for the first body byte: until then a failure can still be retried,
        // and for a stream that byte is the first event (time to first token).
    }

    void attemptContent(UpstreamAttempt slot, HttpContent content) {
        if (!slot.active || !exchange.inFlight) {
            content.release();
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (slot.drainingError) {
            ByteBuf bytes = content.content();
            if (slot.errorBody.readableBytes() + bytes.readableBytes() <= RetryAdvice.MAX_ERROR_BODY_BYTES) {
                slot.errorBody.writeBytes(bytes);
                content.release();
                if (last) {
                    errorResponseEnded(slot);
                }
                return;
            }
            // An error body too large to hold: it is the answer, relayed as it comes.
            slot.drainingError = false;
        }
        if (winner == null) {
            if (!last && !content.content().isReadable()) {
                content.release();
                return;
            }
            commit(slot);
            if (slot.errorBody != null) {
                ByteBuf held = slot.errorBody;
                slot.errorBody = null;
                relay(new DefaultHttpContent(held));
            }
        }
        if (slot != winner) {
            content.release();
            return;
        }
        relay(content);
    }

    void attemptReadComplete(UpstreamAttempt slot) {
        if (slot == winner) {
            ctx.flush();
            if (upstream != null && ctx.channel().isWritable()) {
                upstream.read();
            }
        } else if (slot.active && slot.channel != null) {
            // Not relaying yet: nothing to hold back for, read on to the first byte or the error's end.
            slot.channel.read();
        }
    }

    /**
     * {@code slot} delivered the first byte of an answer: it is the one the caller gets. A hedge still
     * running is cancelled (only the winner is read for usage, so only it is billed), and the head goes out.
     */
    private void commit(UpstreamAttempt slot) {
        long now = System.nanoTime();
        winner = slot;
        UpstreamAttempt other = slot == main ? hedgeSlot : main;
        if (other.active) {
            logAttempt(other, "cancelled");
            other.end(false);
        }
        if (exchange.hedge != Exchange.HEDGE_NONE) {
            exchange.hedge = slot.hedge ? Exchange.HEDGE_WON : Exchange.HEDGE_LOST;
        }
        retryPending = false;
        hedgeArmed = false;
        releaseRememberedResponse();
        slot.target.firstByteTimes().record(now - slot.sentNanos);
        HttpResponse head = slot.head;
        slot.head = null;
        upstream = slot.channel;
        upstreamReusable = slot.reusable;
        exchange.upstream = slot.target.endpoint().toString();
        exchange.firstByteNanos = now;
        deadlines.responseRead(now);
        exchange.status = head.status().code();
        String contentType = head.headers().get(HttpHeaderNames.CONTENT_TYPE);
        exchange.eventStream = contentType != null && contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
        exchange.readingUsage = exchange.status >= 200 && exchange.status < 300;
        if (exchange.readingUsage) {
            exchange.usageReader.begin(exchange.route.provider(), exchange.eventStream);
        }
        endKeepAliveIfDraining();

        // The upstream's headers were validated as they were decoded; copying them needs no second check.
        HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, head.status(), HeaderPolicy.UNVALIDATED);
        HeaderPolicy.copyResponseHeaders(head.headers(), out.headers(), exchange.trace.traceId());
        RateLimitHeaders.add(out.headers(), exchange.tenantCost, now);
        boolean lengthKnown = HttpUtil.isContentLengthSet(head) && !HttpUtil.isTransferEncodingChunked(head);
        if (!lengthKnown) {
            out.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
            if (exchange.clientVersion == HttpVersion.HTTP_1_0) {
                // HTTP/1.0 has no chunked coding: the end of the body is the end of the connection.
                exchange.keepAlive = false;
            } else {
                HttpUtil.setTransferEncodingChunked(out, true);
            }
        }
        HttpUtil.setKeepAlive(out, exchange.keepAlive);
        exchange.headSent = true;
        // A void promise: nothing waits on this write, and the encoder then writes the head's pieces without
        // a promise and a combiner each; a failed write reaches exceptionCaught, a closed caller channelInactive.
        ctx.write(out, ctx.voidPromise());
        // The idle limit now applies, and may be due before whatever the timer was armed for.
        rearmIfSooner(now);
    }

    /** Passes one chunk of the winner's response to the caller; the last one ends the exchange. */
    private void relay(HttpContent content) {
        long now = System.nanoTime();
        deadlines.responseRead(now);
        exchange.responseBytes += content.content().readableBytes();
        if (exchange.readingUsage) {
            exchange.usageReader.feed(content.content());
        }
        if (!(content instanceof LastHttpContent)) {
            ctx.write(content, ctx.voidPromise()); // as for the head
            return;
        }
        exchange.lastByteNanos = now;
        if (exchange.readingUsage) {
            exchange.usageReader.finish();
        }
        deadlines.stop();
        UpstreamAttempt done = winner;
        int status = exchange.status;
        done.verdict(now, targetFailed(status), keyFailed(status));
        logAttempt(done, status);
        Channel finished = upstream;
        upstream = null;
        UpstreamEndpoint endpoint = done.target.endpoint();
        boolean reuse = upstreamReusable && finished.isActive();
        done.end(reuse);
        if (reuse) {
            context.upstreams().pool(ctx.channel().eventLoop()).release(endpoint, finished);
        }
        // The head may have gone out before the drain began; the connection still ends here.
        endKeepAliveIfDraining();
        boolean keepAlive = exchange.keepAlive;
        ChannelFuture written = ctx.writeAndFlush(content);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
        finish(Exchange.Outcome.COMPLETED, null);
    }

    /** A retryable error response was read whole: decide whether to try again, and where. */
    private void errorResponseEnded(UpstreamAttempt slot) {
        long now = System.nanoTime();
        HttpResponse head = slot.head;
        int status = head.status().code();
        ByteBuf body = slot.errorBody;
        slot.errorBody = null;
        long requestedMs = RetryAdvice.requestedDelayMs(head.headers(), body, System.currentTimeMillis());
        slot.verdict(now, targetFailed(status), keyFailed(status));
        logAttempt(slot, status);
        if (status == 429 && slot.keyIndex >= 0) {
            // The key rests for as long as the upstream asked (or a second when it did not say).
            slot.target.keys().coolDown(slot.keyIndex,
                    now + TimeUnit.MILLISECONDS.toNanos(requestedMs >= 0 ? requestedMs : DEFAULT_COOLDOWN_MS));
        }
        boolean keyRefused = (status == 401 || status == 403) && slot.keyIndex >= 0;
        if (keyRefused) {
            if (slot.target.index() != refusedKeysTarget) {
                refusedKeysTarget = slot.target.index();
                refusedKeys = 0;
            }
            refusedKeys |= 1L << slot.keyIndex;
        }
        UpstreamTarget failedTarget = slot.target;
        Channel channel = slot.channel;
        boolean reuse = slot.reusable && channel != null && channel.isActive();
        slot.end(reuse);
        if (reuse) {
            context.upstreams().pool(ctx.channel().eventLoop()).release(failedTarget.endpoint(), channel);
        }
        rememberResponse(head, body);
        if (otherActive(slot)) {
            return;
        }
        retryOrGiveUp(now, failedTarget, requestedMs, status == 429 || keyRefused);
    }

    /** The connection of {@code slot} failed, or its response broke off. */
    void attemptFailed(UpstreamAttempt slot, Throwable cause) {
        if (!slot.active || !exchange.inFlight) {
            return;
        }
        long now = System.nanoTime();
        if (slot == winner) {
            // After the head went out: never retried, the caller learns in-stream.
            slot.verdict(now, true, false);
            logAttempt(slot, "reset");
            upstream = null;
            slot.end(false);
            if (cause instanceof MalformedUpstreamResponse) {
                failAfterHead(GatewayError.UPSTREAM_FAILED, "upstream sent a malformed response", "upstream_protocol");
            } else {
                failAfterHead(GatewayError.UPSTREAM_FAILED, "upstream connection failed mid-response", "upstream_reset");
            }
            return;
        }
        Channel failed = slot.channel;
        if (failed != null && UpstreamConnections.wasReused(failed) && slot.head == null
                && slot.staleRetries < MAX_STALE_CONNECTION_RETRIES && !(cause instanceof ConnectTimeoutException)) {
            // A pooled connection the upstream had already closed: the request never reached it.
            UpstreamConnections.unbind(failed);
            failed.close();
            slot.channel = null;
            slot.sentNanos = 0;
            slot.staleRetries++;
            exchange.attempts++;
            connect(slot);
            return;
        }
        String errorClass = connectionErrorClass(cause);
        slot.verdict(now, true, false);
        logAttempt(slot, errorClass);
        rememberFailure(cause, errorClass);
        UpstreamTarget failedTarget = slot.target;
        slot.releaseErrorBody();
        slot.end(false);
        if (otherActive(slot)) {
            return;
        }
        boolean retryable = !"upstream_tls".equals(errorClass) && !"upstream_protocol".equals(errorClass);
        if (retryable) {
            retryOrGiveUp(now, failedTarget, RetryAdvice.NONE, false);
        } else {
            giveUp("");
        }
    }

    /**
     * After a retryable failure with nothing sent to the caller: the same target again after a backoff
     * (or the wait the upstream asked for) while it has attempts left and its circuit is closed, else
     * the next failover target at once; never past the total deadline, and only while the provider's
     * retry budget allows. {@code keyAtFault}: the key failed (rate limited or refused), so another key
     * of the pool that is free now is tried without a backoff.
     */
    private void retryOrGiveUp(long now, UpstreamTarget failedTarget, long requestedMs, boolean keyAtFault) {
        RetrySettings retries = policy.retries();
        boolean sameTarget = attemptsOnTarget < retries.maxAttempts() && failedTarget.breaker().wouldAllow(now)
                && requestedMs <= retries.maxRetryAfterMs();
        int next;
        long delayMs;
        if (sameTarget) {
            next = failedTarget.index();
            long keyWaitNs = context.authenticator().mode() == AuthMode.VIRTUAL
                    ? failedTarget.keys().nanosUntilAvailable(now) : 0;
            if (keyAtFault && keyWaitNs == 0) {
                delayMs = 0; // another key of the pool is free now
            } else {
                delayMs = requestedMs >= 0 ? requestedMs : RetryAdvice.backoffMs(retries, exchange.retries + 1);
                delayMs = Math.max(delayMs, TimeUnit.NANOSECONDS.toMillis(keyWaitNs + 999_999));
            }
        } else {
            next = failedTarget.index() + 1;
            delayMs = 0;
            if (next >= provider.targets().size()) {
                giveUp(requestedMs > retries.maxRetryAfterMs() ? "upstream_retry_after_too_long" : "upstream_retries_exhausted");
                return;
            }
        }
        if (now + TimeUnit.MILLISECONDS.toNanos(delayMs) - deadlines.totalDeadlineNanos() >= 0) {
            giveUp("upstream_retry_past_deadline");
            return;
        }
        if (!provider.retryBudget().tryRetry(now)) {
            giveUp("upstream_retry_budget_exhausted");
            return;
        }
        exchange.retries++;
        retryTarget = next;
        if (delayMs == 0) {
            startRetry(now);
        } else {
            retryPending = true;
            retryDueNs = now + TimeUnit.MILLISECONDS.toNanos(delayMs);
            rearmIfSooner(now);
        }
    }

    private void startRetry(long now) {
        retryPending = false;
        int t = pick(now, retryTarget);
        if (t >= 0) {
            launch(main, t, false);
        } else if (!waitForKeys(now, retryTarget)) {
            giveUp(keysCooling ? "upstream_keys_cooling" : "upstream_circuit_open");
        }
    }

    /** Sends a hedge to the next target (or the same one, on another connection and key when it has one). */
    private void launchHedge(long now) {
        if (winner != null || !main.active || main.drainingError || hedgeSlot.active) {
            return;
        }
        int t = pick(now, main.target.index() + 1);
        if (t < 0) {
            t = pick(now, 0);
        }
        if (t < 0) {
            return;
        }
        if (!provider.retryBudget().tryRetry(now)) {
            // A hedge is extra load like a retry, and the same budget bounds it: hand back the permits.
            UpstreamTarget skipped = provider.targets().get(t);
            skipped.breaker().abandoned(pickedTargetGrant == CircuitBreaker.PROBE);
            if (pickedKey >= 0) {
                skipped.keys().breaker(pickedKey).abandoned(pickedKeyGrant == CircuitBreaker.PROBE);
                skipped.keys().release(pickedKey);
            }
            return;
        }
        exchange.hedge = Exchange.HEDGE_SENT;
        launch(hedgeSlot, t, true);
    }

    /**
     * No attempt is left: the caller gets the last upstream error response as it came (a 529, a 429
     * with its retry-after), or the gateway's own error for a connection that failed.
     */
    private void giveUp(String reason) {
        if (failedHead != null) {
            passThroughFailedResponse(reason.isEmpty() ? null : reason);
            return;
        }
        if (failedError != null) {
            respondWithError(failedError, failedMessage, Exchange.Outcome.UPSTREAM_FAILED, failedErrorClass);
            return;
        }
        if (keysCooling || "upstream_circuit_open".equals(reason)) {
            refuseUnavailable(System.nanoTime());
            return;
        }
        respondWithError(GatewayError.UPSTREAM_FAILED, "upstream failed", Exchange.Outcome.UPSTREAM_FAILED, reason);
    }

    private void passThroughFailedResponse(String reason) {
        HttpResponse head = failedHead;
        ByteBuf body = failedBody;
        failedHead = null;
        failedBody = null;
        long now = System.nanoTime();
        exchange.status = head.status().code();
        exchange.firstByteNanos = now;
        endKeepAliveIfDraining();
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, head.status(), body);
        HeaderPolicy.copyResponseHeaders(head.headers(), out.headers(), exchange.trace.traceId());
        RateLimitHeaders.add(out.headers(), exchange.tenantCost, now);
        out.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
        HttpUtil.setContentLength(out, body.readableBytes());
        HttpUtil.setKeepAlive(out, exchange.keepAlive);
        exchange.headSent = true;
        exchange.responseBytes = body.readableBytes();
        boolean keepAlive = exchange.keepAlive;
        ChannelFuture written = ctx.writeAndFlush(out);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
        exchange.lastByteNanos = now;
        finish(Exchange.Outcome.UPSTREAM_FAILED, reason);
    }

    private void rememberResponse(HttpResponse head, ByteBuf body) {
        releaseRememberedResponse();
        failedHead = head;
        failedBody = body;
        failedError = null;
    }

    private void rememberFailure(Throwable cause, String errorClass) {
        releaseRememberedResponse();
        failedErrorClass = errorClass;
        switch (errorClass) {
            case "upstream_connect_timeout":
                failedError = GatewayError.UPSTREAM_TIMEOUT;
                failedMessage = "upstream did not accept the connection within " + deadlines.connectMillis() + " ms";
                break;
            case "upstream_refused":
                failedError = GatewayError.UPSTREAM_FAILED;
                failedMessage = "upstream refused the connection";
                break;
            case "upstream_protocol":
                failedError = GatewayError.UPSTREAM_FAILED;
                failedMessage = "upstream sent a malformed response";
                break;
            case "upstream_tls":
                failedError = GatewayError.UPSTREAM_FAILED;
                failedMessage = "TLS with the upstream failed (certificate or handshake)";
                break;
            default:
                failedError = GatewayError.UPSTREAM_FAILED;
                failedMessage = "upstream closed the connection before responding";
        }
    }

    private void rememberTimeout(String message) {
        releaseRememberedResponse();
        failedError = GatewayError.UPSTREAM_TIMEOUT;
        failedMessage = message;
        failedErrorClass = "upstream_timeout_first_byte";
    }

    private void releaseRememberedResponse() {
        if (failedBody != null) {
            failedBody.release();
        }
        failedHead = null;
        failedBody = null;
        failedError = null;
    }

    private static String connectionErrorClass(Throwable cause) {
        if (cause instanceof ConnectTimeoutException || cause instanceof SslHandshakeTimeoutException) {
            return "upstream_connect_timeout";
        }
        if (cause instanceof ConnectException) {
            return "upstream_refused";
        }
        if (cause instanceof MalformedUpstreamResponse) {
            return "upstream_protocol";
        }
        if (cause instanceof SSLException || cause instanceof io.netty.handler.codec.DecoderException
                && cause.getCause() instanceof SSLException) {
            return "upstream_tls";
        }
        return "upstream_reset";
    }

    /**
     * Whether the gateway's key of {@code slot} was refused ({@code status} 401 or 403) while the pool
     * has another key this request has not seen refused: the refusal is the key's, not the caller's, so
     * it is retried on that key rather than passed on.
     */
    private boolean anotherKey(UpstreamAttempt slot, int status) {
        if ((status != 401 && status != 403) || slot.keyIndex < 0) {
            return false;
        }
        long seen = (slot.target.index() == refusedKeysTarget ? refusedKeys : 0) | (1L << slot.keyIndex);
        return slot.target.keys().usableOutside(seen, System.nanoTime());
    }

    /** Whether an answer with {@code status} counts against the upstream's circuit (a 429 is the key's). */
    private static boolean targetFailed(int status) {
        return status >= 500 || status == 408;
    }

    /** Whether it counts against the key's circuit: refused or rate limited. */
    private static boolean keyFailed(int status) {
        return status == 401 || status == 403 || status == 429;
    }

    private boolean otherActive(UpstreamAttempt slot) {
        return (slot == main ? hedgeSlot : main).active;
    }

    /** Adds {@code [h]tN/KEY:RESULT} to the exchange's attempt log (bounded, key ids only). */
    private void logAttempt(UpstreamAttempt slot, Object result) {
        StringBuilder log = exchange.attemptLog;
        if (log.length() > Exchange.MAX_ATTEMPT_LOG - 40) {
            return;
        }
        if (log.length() > 0) {
            log.append(' ');
        }
        if (slot.hedge) {
            log.append('h');
        }
        log.append('t').append(slot.target.index()).append('/')
                .append(slot.keyIndex >= 0 ? slot.target.keys().id(slot.keyIndex) : "caller").append(':');
        if (result instanceof Integer) {
            log.append(((Integer) result).intValue());
        } else {
            log.append((String) result);
        }
    }

    /** After the head went out: tell the caller in-stream (event streams), then close without the last chunk. */
    private void failAfterHead(GatewayError error, String message, String errorClass) {
        exchange.lastByteNanos = System.nanoTime();
        if (exchange.readingUsage) {
            exchange.usageReader.finish();
        }
        if (exchange.eventStream) {
            ctx.write(new DefaultHttpContent(
                    ProviderErrors.streamEvent(ctx.alloc(), exchange.route.provider(), error, message)));
        }
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        exchange.keepAlive = false;
        finish(Exchange.Outcome.UPSTREAM_FAILED, errorClass);
    }

    private void respondWithError(GatewayError error, String message, Exchange.Outcome outcome, String errorClass) {
        respondWithError(error, error.status(), message, outcome, errorClass);
    }

    private void respondWithError(GatewayError error, int status, String message, Exchange.Outcome outcome,
                                  String errorClass) {
        respondWithError(error, status, message, outcome, errorClass, 0);
    }

    private void respondWithError(GatewayError error, int status, String message, Exchange.Outcome outcome,
                                  String errorClass, long retryAfterSeconds) {
        exchange.status = status;
        endKeepAliveIfDraining();
        boolean keepAlive = exchange.keepAlive;
        ChannelFuture written = ErrorResponses.send(ctx, exchange.route.provider(), error, status, message, keepAlive,
                exchange.trace.traceId(), exchange.allowHeader, retryAfterSeconds);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
        exchange.lastByteNanos = System.nanoTime();
        finish(outcome, errorClass);
    }

    /** Once the gateway drains, every response is the last on its connection. */
    private void endKeepAliveIfDraining() {
        if (context.drain().draining()) {
            exchange.keepAlive = false;
        }
    }

    // ---- One timer per exchange, armed for the earliest of its deadlines and scheduled moves ----

    /** The earliest of: total and idle deadlines, each attempt's first byte, the hedge, the pending retry. */
    private long nextDueNanos() {
        long next = deadlines.nextDeadlineNanos();
        if (winner == null) {
            if (main.awaitingFirstByte() && main.firstByteDueNanos - next < 0) {
                next = main.firstByteDueNanos;
            }
            if (hedgeSlot.awaitingFirstByte() && hedgeSlot.firstByteDueNanos - next < 0) {
                next = hedgeSlot.firstByteDueNanos;
            }
            if (hedgeArmed && hedgeDueNs - next < 0) {
                next = hedgeDueNs;
            }
            if (retryPending && retryDueNs - next < 0) {
                next = retryDueNs;
            }
        }
        return next;
    }

    private void armTimer(long nowNs) {
        long dueNs = nextDueNanos();
        long delayNs = Math.max(dueNs - nowNs, 100_000L);
        timerDueNs = nowNs + delayNs;
        timer = ctx.executor().schedule(deadlineCheck, delayNs, TimeUnit.NANOSECONDS);
    }

    /** Moves the timer earlier when something new (a first byte, a hedge, a retry) comes before it. */
    private void rearmIfSooner(long nowNs) {
        if (timer != null && nextDueNanos() - timerDueNs < 0) {
            timer.cancel(false);
            armTimer(nowNs);
        }
    }

    private void checkDeadlines() {
        timer = null;
        if (!exchange.inFlight || provider == null) {
            return;
        }
        long now = System.nanoTime();
        ExchangeDeadlines.Expired expired = deadlines.check(now);
        if (expired != ExchangeDeadlines.Expired.NONE) {
            timedOut(expired);
            return;
        }
        if (winner == null) {
            boolean overdue = firstByteOverdue(main, now);
            overdue |= firstByteOverdue(hedgeSlot, now);
            if (overdue && !main.active && !hedgeSlot.active && !retryPending) {
                giveUp("");
                return;
            }
            if (hedgeArmed && now - hedgeDueNs >= 0) {
                hedgeArmed = false;
                launchHedge(now);
            }
            if (retryPending && now - retryDueNs >= 0) {
                startRetry(now);
            }
        }
        if (exchange.inFlight && timer == null) {
            armTimer(now);
        }
    }

    /** Ends {@code slot} if its first byte is overdue (a time-to-first-token timeout); true when it did. */
    private boolean firstByteOverdue(UpstreamAttempt slot, long now) {
        if (!slot.awaitingFirstByte() || now - slot.firstByteDueNanos < 0) {
            return false;
        }
        slot.verdict(now, true, false);
        logAttempt(slot, "first_byte_timeout");
        slot.releaseErrorBody();
        slot.end(false);
        // Not retried: the upstream may be working on it (and billing it); a hedge covers slow starts.
        rememberTimeout("upstream sent no response within " + deadlines.firstByteNanos() / 1_000_000 + " ms");
        return true;
    }

    private void timedOut(ExchangeDeadlines.Expired expired) {
        String message = expired == ExchangeDeadlines.Expired.IDLE
                ? "upstream stalled for " + policy.timeouts().idleMs() + " ms mid-response"
                : "request exceeded the total time limit of " + policy.timeouts().totalMs() + " ms";
        String errorClass = "upstream_timeout_" + expired.name().toLowerCase(java.util.Locale.ROOT);
        long now = System.nanoTime();
        for (UpstreamAttempt slot : new UpstreamAttempt[] {main, hedgeSlot}) {
            if (slot.active) {
                slot.verdict(now, true, false);
                logAttempt(slot, errorClass.substring("upstream_".length()));
                slot.releaseErrorBody();
                slot.end(false);
            }
        }
        upstream = null;
        retryPending = false;
        if (exchange.headSent) {
            failAfterHead(GatewayError.UPSTREAM_TIMEOUT, message, errorClass);
        } else {
            respondWithError(GatewayError.UPSTREAM_TIMEOUT, message, Exchange.Outcome.UPSTREAM_FAILED, errorClass);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (upstream != null && ctx.channel().isWritable()) {
            upstream.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange.inFlight) {
            // The caller left: cancel the upstream requests rather than let them run on unbilled.
            if (main.active) {
                logAttempt(main, "client_closed");
            }
            if (hedgeSlot.active) {
                logAttempt(hedgeSlot, "client_closed");
            }
            main.end(false);
            hedgeSlot.end(false);
            upstream = null;
            if (exchange.readingUsage) {
                exchange.usageReader.finish();
            }
            exchange.lastByteNanos = System.nanoTime();
            finish(Exchange.Outcome.CLIENT_CLOSED, "client_closed");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof java.io.IOException)) {
            // The class only: a message may quote request bytes, and logs never carry request content.
            LOG.warn("closing client connection after an unexpected {}", cause.getClass().getName());
        }
        ctx.close();
    }

    private void countLive(LiveMetrics metrics, TraceEvent event) {
        Rule deciding = exchange.decidingRule();
        metrics.request(event.status, event.status >= 400 || exchange.errorClass != null, exchange.errorClass,
                event.overheadNanos, deciding == null ? null : deciding.id(), event.denied);
        for (int type = 0; type < context.pii().catalogue().types().size(); type++) {
            metrics.pii(type, exchange.piiFindings.count(type));
        }
        metrics.upstream(exchange.route.provider() == Provider.GEMINI ? 1 : 0, exchange.attempts, exchange.retries,
                exchange.hedge != Exchange.HEDGE_NONE, exchange.hedge == Exchange.HEDGE_WON,
                "upstream_circuit_open".equals(exchange.errorClass) && exchange.attempts == 0);
    }

    private void finish(Exchange.Outcome outcome, String errorClass) {
        if (!exchange.inFlight) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        // Whatever is still running is cancelled: an exchange answered early (a total timeout, a
        // refusal) leaves no attempt holding a key or a connection.
        main.end(false);
        hedgeSlot.end(false);
        main.releaseErrorBody();
        hedgeSlot.releaseErrorBody();
        releaseRememberedResponse();
        retryPending = false;
        hedgeArmed = false;
        winner = null;
        upstream = null;
        if (exchange.hedge == Exchange.HEDGE_SENT) {
            // Sent, but neither attempt answered.
            exchange.hedge = Exchange.HEDGE_LOST;
        }
        exchange.outcome = outcome;
        exchange.errorClass = errorClass;
        settleCost();
        exchange.releaseBody();
        if (context.trace() != null || context.metrics() != null) {
            // After settlement: the event carries the settled cost. Types and counts only, never values.
            TraceEvent event = TraceEvents.fill(exchange, context.pii().catalogue(), exchange.traceEvent);
            if (context.metrics() != null) {
                countLive(context.metrics(), event);
            }
            if (context.trace() != null) {
                context.trace().append(event);
            }
        }
        try {
            context.listener().exchangeCompleted(exchange);
        } catch (RuntimeException e) {
            LOG.warn("exchange listener failed with {}", e.getClass().getName());
        }
        exchange.inFlight = false;
        provider = null;
        exchange.requestHeaders = null;
        if (exchange.keepAlive && ctx.channel().isActive()) {
            reader.resume();
        }
    }

    private static String errorClassOf(GatewayError error) {
        return error.name().toLowerCase(java.util.Locale.ROOT);
    }
}
