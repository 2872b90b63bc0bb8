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
import io.aegis.gateway.route.Provider;
import io.aegis.gateway.rules.ActiveRules;
import io.aegis.gateway.upstream.MalformedUpstreamResponse;
import io.aegis.gateway.upstream.ProviderUpstream;
import io.aegis.gateway.upstream.UpstreamConnections;
import io.aegis.gateway.upstream.UpstreamEndpoint;
import io.aegis.gateway.upstream.UpstreamListener;
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
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an exchange once its request is read: parses the body, picks the upstream and the provider
 * key, sends the request on a pooled connection of the same event loop, and relays the response as
 * it arrives. Backpressure: the upstream is read only while the caller's channel is writable. A
 * failure before the response head becomes a provider-shaped 502/504; after it, an in-stream error
 * event (for event streams) and a close without the final chunk, so that no caller mistakes a cut
 * stream for a complete one.
 */
final class ExchangeHandler extends ChannelInboundHandlerAdapter implements UpstreamListener {
    private static final Logger LOG = LoggerFactory.getLogger(ExchangeHandler.class);
    /** Retries on a fresh connection when a pooled one turns out to be closed before any response byte. */
    private static final int MAX_STALE_CONNECTION_RETRIES = 2;

    private final Exchange exchange;
    private final ProxyContext context;
    private final RequestReader reader;
    private final ExchangeDeadlines deadlines = new ExchangeDeadlines();
    private final Runnable deadlineCheck = this::checkDeadlines;
    private ChannelHandlerContext ctx;
    private ProviderUpstream target;
    private FullHttpRequest upstreamRequest;
    private Channel upstream;
    private boolean upstreamReusable;
    private ScheduledFuture<?> timer;
    /** When the armed timer fires, in nanoTime terms. */
    private long timerDueNs;
    private int staleRetries;
    /** Numbers each connection attempt; a completion for any but the latest is stale and ignored. */
    private long attemptSeq;
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
        Provider provider = exchange.route.provider();
        target = context.upstreams().provider(provider);
        if (target == null) {
            respondWithError(GatewayError.NOT_FOUND, "this gateway has no " + provider.configName()
                    + " provider configured", Exchange.Outcome.REJECTED, "provider_not_configured");
            return;
        }
        String providerKey = null;
        if (context.authenticator().mode() == AuthMode.VIRTUAL) {
            providerKey = target.nextApiKey();
            if (providerKey == null) {
                respondWithError(GatewayError.INTERNAL, "no " + provider.configName()
                        + " provider key is configured on the gateway (" + target.apiKeySource() + ")",
                        Exchange.Outcome.REJECTED, "provider_key_missing");
                return;
            }
        }
        if (!applyPolicies() || !admitCost()) {
            return;
        }
        UpstreamEndpoint endpoint = target.endpoint();
        String query = context.authenticator().mode() == AuthMode.VIRTUAL
                ? CallerAuthenticator.withoutKey(exchange.route.query()) : exchange.route.query();
        String uri = endpoint.basePath() + exchange.route.upstreamPath() + (query == null ? "" : "?" + query);
        upstreamRequest = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
                exchange.body.retainedDuplicate(),
                HeaderPolicy.upstreamRequest(exchange.requestHeaders, provider, providerKey,
                        endpoint.hostHeader(), exchange.body.readableBytes(), exchange.trace.outbound()),
                EmptyHttpHeaders.INSTANCE);
        exchange.upstream = endpoint.toString();
        deadlines.start(target.timeouts(), exchange.acceptedNanos);
        staleRetries = 0;
        long now = System.nanoTime();
        exchange.upstreamRequestedNanos = now;
        armTimer(now);
        attempt();
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

    private void attempt() {
        exchange.attempts++;
        long attemptId = ++attemptSeq;
        UpstreamEndpoint endpoint = target.endpoint();
        ChannelFuture connect = context.upstreams().pool(ctx.channel().eventLoop())
                .acquire(endpoint, (int) Math.min(Integer.MAX_VALUE, target.timeouts().connectMs()));
        if (connect.isDone()) {
            connected(connect, attemptId);
        } else {
            connect.addListener((ChannelFutureListener) f -> connected(f, attemptId));
        }
    }

    private void connected(ChannelFuture future, long attemptId) {
        if (attemptId != attemptSeq || !exchange.inFlight || upstreamRequest == null) {
            // The exchange ended (caller left, timed out) while we were connecting.
            if (future.isSuccess()) {
                future.channel().close();
            }
            return;
        }
        if (!future.isSuccess()) {
            failBeforeHead(future.cause());
            return;
        }
        upstream = future.channel();
        upstreamReusable = false;
        if (exchange.upstreamConnectedNanos == 0) {
            exchange.upstreamConnectedNanos = System.nanoTime();
        }
        UpstreamConnections.bind(upstream, this);
        Channel sentOn = upstream;
        upstream.writeAndFlush(upstreamRequest.retainedDuplicate()).addListener(f -> {
            if (!f.isSuccess() && sentOn == upstream) {
                upstreamFailed(f.cause());
            }
        });
        long sentNs = System.nanoTime();
        deadlines.requestSent(sentNs);
        rearmIfSooner(sentNs);
        upstream.read();
    }

    @Override
    public void upstreamHead(HttpResponse head) {
        long now = System.nanoTime();
        exchange.firstByteNanos = now;
        deadlines.responseRead(now);
        rearmIfSooner(now);
        exchange.status = head.status().code();
        String contentType = head.headers().get(HttpHeaderNames.CONTENT_TYPE);
        exchange.eventStream = contentType != null && contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
        exchange.readingUsage = exchange.status >= 200 && exchange.status < 300;
        if (exchange.readingUsage) {
            exchange.usageReader.begin(exchange.route.provider(), exchange.eventStream);
        }
        upstreamReusable = HttpUtil.isKeepAlive(head);
        endKeepAliveIfDraining();

        HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, head.status());
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
        ctx.write(out);
    }

    @Override
    public void upstreamContent(HttpContent content) {
        long now = System.nanoTime();
        deadlines.responseRead(now);
        int bytes = content.content().readableBytes();
        exchange.responseBytes += bytes;
        if (exchange.readingUsage) {
            exchange.usageReader.feed(content.content());
        }
        if (!(content instanceof LastHttpContent)) {
            ctx.write(content);
            return;
        }
        exchange.lastByteNanos = now;
        if (exchange.readingUsage) {
            exchange.usageReader.finish();
        }
        deadlines.stop();
        Channel finished = upstream;
        upstream = null;
        if (upstreamReusable && finished.isActive()) {
            context.upstreams().pool(ctx.channel().eventLoop()).release(target.endpoint(), finished);
        } else {
            UpstreamConnections.unbind(finished);
            finished.close();
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

    @Override
    public void upstreamReadComplete() {
        ctx.flush();
        if (upstream != null && ctx.channel().isWritable()) {
            upstream.read();
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
    public void upstreamFailed(Throwable cause) {
        if (!exchange.inFlight || upstream == null) {
            return;
        }
        Channel failed = upstream;
        upstream = null;
        UpstreamConnections.unbind(failed);
        failed.close();
        if (!exchange.headSent) {
            if (UpstreamConnections.wasReused(failed) && exchange.firstByteNanos == 0
                    && staleRetries < MAX_STALE_CONNECTION_RETRIES && !isTimeout(cause)) {
                // A pooled connection the upstream had already closed: the request never reached it.
                staleRetries++;
                attempt();
                return;
            }
            failBeforeHead(cause);
            return;
        }
        if (cause instanceof MalformedUpstreamResponse) {
            failAfterHead(GatewayError.UPSTREAM_FAILED, "upstream sent a malformed response", "upstream_protocol");
        } else {
            failAfterHead(GatewayError.UPSTREAM_FAILED, "upstream connection failed mid-response", "upstream_reset");
        }
    }

    private void failBeforeHead(Throwable cause) {
        if (upstream != null) {
            UpstreamConnections.unbind(upstream);
            upstream.close();
            upstream = null;
        }
        GatewayError error;
        String message;
        String errorClass;
        if (cause instanceof ConnectTimeoutException || cause instanceof SslHandshakeTimeoutException) {
            error = GatewayError.UPSTREAM_TIMEOUT;
            message = "upstream did not accept the connection within " + target.timeouts().connectMs() + " ms";
            errorClass = "upstream_connect_timeout";
        } else if (cause instanceof ConnectException) {
            error = GatewayError.UPSTREAM_FAILED;
            message = "upstream refused the connection";
            errorClass = "upstream_refused";
        } else if (cause instanceof MalformedUpstreamResponse) {
            error = GatewayError.UPSTREAM_FAILED;
            message = "upstream sent a malformed response";
            errorClass = "upstream_protocol";
        } else if (cause instanceof SSLException || cause instanceof io.netty.handler.codec.DecoderException
                && cause.getCause() instanceof SSLException) {
            error = GatewayError.UPSTREAM_FAILED;
            message = "TLS with the upstream failed (certificate or handshake)";
            errorClass = "upstream_tls";
        } else {
            error = GatewayError.UPSTREAM_FAILED;
            message = "upstream closed the connection before responding";
            errorClass = "upstream_reset";
        }
        respondWithError(error, message, Exchange.Outcome.UPSTREAM_FAILED, errorClass);
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

    private void armTimer(long nowNs) {
        long delayNs = deadlines.nanosToNext(nowNs);
        timerDueNs = nowNs + delayNs;
        timer = ctx.executor().schedule(deadlineCheck, delayNs, TimeUnit.NANOSECONDS);
    }

    /** Moves the timer earlier when a new deadline (first byte, idle) comes before the armed one. */
    private void rearmIfSooner(long nowNs) {
        if (timer != null && nowNs + deadlines.nanosToNext(nowNs) - timerDueNs < 0) {
            timer.cancel(false);
            armTimer(nowNs);
        }
    }

    private void checkDeadlines() {
        timer = null;
        if (!exchange.inFlight || upstreamRequest == null) {
            return;
        }
        long now = System.nanoTime();
        ExchangeDeadlines.Expired expired = deadlines.check(now);
        if (expired == ExchangeDeadlines.Expired.NONE) {
            armTimer(now);
            return;
        }
        String message;
        switch (expired) {
            case FIRST_BYTE:
                message = "upstream sent no response within " + target.timeouts().firstByteMs() + " ms";
                break;
            case IDLE:
                message = "upstream stalled for " + target.timeouts().idleMs() + " ms mid-response";
                break;
            default:
                message = "request exceeded the total time limit of " + target.timeouts().totalMs() + " ms";
        }
        String errorClass = "upstream_timeout_" + expired.name().toLowerCase(java.util.Locale.ROOT);
        if (upstream != null) {
            Channel stalled = upstream;
            upstream = null;
            UpstreamConnections.unbind(stalled);
            stalled.close();
        }
        if (exchange.headSent) {
            failAfterHead(GatewayError.UPSTREAM_TIMEOUT, message, errorClass);
        } else {
            respondWithError(GatewayError.UPSTREAM_TIMEOUT, message, Exchange.Outcome.UPSTREAM_FAILED, errorClass);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange.inFlight) {
            // The caller left: cancel the upstream request rather than let it run on unbilled.
            if (upstream != null) {
                UpstreamConnections.unbind(upstream);
                upstream.close();
                upstream = null;
            }
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
    }

    private void finish(Exchange.Outcome outcome, String errorClass) {
        if (!exchange.inFlight) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (upstreamRequest != null) {
            upstreamRequest.release();
            upstreamRequest = null;
        }
        attemptSeq++;
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
        target = null;
        exchange.requestHeaders = null;
        if (exchange.keepAlive && ctx.channel().isActive()) {
            reader.resume();
        }
    }

    private static boolean isTimeout(Throwable cause) {
        return cause instanceof ConnectTimeoutException;
    }

    private static String errorClassOf(GatewayError error) {
        return error.name().toLowerCase(java.util.Locale.ROOT);
    }
}
