package io.aegis.gateway.proxy;

import io.aegis.trace.TraceField;
import io.aegis.gateway.error.ErrorClass;
import io.aegis.gateway.metrics.LiveMetrics;
import io.aegis.rules.Rule;
import io.aegis.trace.Outcome;
import io.aegis.trace.TraceEvent;
import io.aegis.wire.Provider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single exit of an exchange. Writes the replies no upstream answer carries (a stage's
 * {@link Refusal} as the gateway's error in the provider's shape; the upstream's last error, passed
 * on as it came), then finishes every exchange the same way, once: the outcome, cost settlement, the
 * trace event (after settlement, so it carries the settled cost; PII as types and counts only), the
 * live metrics, the listener, and the next request on a kept-alive connection.
 */
final class ExchangeCompletion {
    private static final Logger LOG = LoggerFactory.getLogger(ExchangeCompletion.class);

    private final Exchange exchange;
    private final ProxyContext context;
    private final CostAdmission cost;
    private final RequestReader reader;
    /** This connection's trace event, filled and appended as each request completes. */
    private final TraceEvent traceEvent = new TraceEvent();
    private ChannelHandlerContext ctx;

    ExchangeCompletion(Exchange exchange, ProxyContext context, CostAdmission cost, RequestReader reader) {
        this.exchange = exchange;
        this.context = context;
        this.cost = cost;
        this.reader = reader;
    }

    void attach(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Answers {@code refusal} with the gateway's own error in the provider's shape, and finishes. */
    void refuse(Refusal refusal) {
        exchange.response.status = refusal.status;
        exchange.endKeepAliveIf(context.drain().draining());
        boolean keepAlive = exchange.keepAlive;
        ChannelFuture written = ErrorResponses.send(ctx, exchange.route.api(), refusal.error, refusal.status,
                refusal.message, refusal.param, refusal.errorClass == null ? null : refusal.errorClass.wireName(),
                keepAlive, exchange.trace.traceId(), refusal.allow, refusal.retryAfterSeconds);
        exchange.timings.lastByteNanos = context.clock().nanoTime();
        finish(refusal.outcome, refusal.errorClass);
        closeAfter(written, keepAlive);
    }

    /**
     * No attempt is left: the upstream's last error response goes to the caller as it came (a 529, a 429
     * with its retry-after), and finishes; this takes over {@code body}.
     */
    void passThrough(HttpResponse head, ByteBuf body, ErrorClass reason) {
        long now = context.clock().nanoTime();
        exchange.response.status = head.status().code();
        exchange.timings.firstByteNanos = now;
        exchange.endKeepAliveIf(context.drain().draining());
        if (exchange.route.api() == io.aegis.wire.CallerApi.OPENAI) {
            // An OpenAI caller gets the upstream's error in OpenAI's shape, with the upstream's status.
            var translator = exchange.response.translator;
            translator.begin(exchange.openAi, head.status().code(), false);
            ByteBuf tail = translator.feed(ctx.alloc(), body);
            body.release();
            tail.release();
            body = translator.finish(ctx.alloc());
        }
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, head.status(), body);
        HeaderPolicy.copyResponseHeaders(head.headers(), out.headers(), exchange.trace.traceId());
        if (exchange.route.api() == io.aegis.wire.CallerApi.OPENAI) {
            out.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        }
        RateLimitHeaders.add(out.headers(), exchange.cost.tenant, now);
        out.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
        HttpUtil.setContentLength(out, body.readableBytes());
        HttpUtil.setKeepAlive(out, exchange.keepAlive);
        exchange.response.headSent = true;
        exchange.response.bytes = body.readableBytes();
        boolean keepAlive = exchange.keepAlive;
        ChannelFuture written = ctx.writeAndFlush(out);
        exchange.timings.lastByteNanos = now;
        finish(Outcome.UPSTREAM_FAILED, reason);
        closeAfter(written, keepAlive);
    }

    /** {@code GET /v1/models}, answered here: the models this gateway's providers and aliases offer. */
    void modelList() {
        byte[] json = io.aegis.gateway.openai.ModelList.json(context.costs().pricing().models().keySet(),
                context.openAiSettings().modelAliases(),
                context.upstreams().provider(Provider.ANTHROPIC) != null,
                context.upstreams().provider(Provider.GEMINI) != null);
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(json));
        out.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        HttpUtil.setContentLength(out, json.length);
        exchange.endKeepAliveIf(context.drain().draining());
        HttpUtil.setKeepAlive(out, exchange.keepAlive);
        HeaderPolicy.traceIdHeader(out.headers(), exchange.trace.traceId());
        exchange.response.status = 200;
        exchange.response.headSent = true;
        exchange.response.bytes = json.length;
        boolean keepAlive = exchange.keepAlive;
        ChannelFuture written = ctx.writeAndFlush(out);
        exchange.timings.lastByteNanos = context.clock().nanoTime();
        finish(Outcome.COMPLETED, null);
        closeAfter(written, keepAlive);
    }

    /** The answer was relayed whole; {@code written} is its last write. */
    void completed(ChannelFuture written, boolean keepAlive) {
        finish(Outcome.COMPLETED, null);
        closeAfter(written, keepAlive);
    }

    /** The answer broke off after its head went out (the relay told the caller in-stream); the connection ends. */
    void failedInStream(ChannelFuture written, ErrorClass errorClass) {
        finish(errorClass == ErrorClass.PII_BLOCKED_RESPONSE ? Outcome.REJECTED : Outcome.UPSTREAM_FAILED, errorClass);
        closeAfter(written, false);
    }

    /**
     * Closes the connection once {@code written} is out, unless it stays alive. Always after
     * {@link #finish}: a close that completes at once must find the exchange already finished, not
     * take it for a caller that left.
     */
    private void closeAfter(ChannelFuture written, boolean keepAlive) {
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The caller left before the answer was complete. */
    void clientClosed() {
        exchange.timings.lastByteNanos = context.clock().nanoTime();
        finish(Outcome.CLIENT_CLOSED, ErrorClass.CLIENT_CLOSED);
    }

    private void finish(Outcome outcome, ErrorClass errorClass) {
        if (!exchange.inFlight) {
            return;
        }
        exchange.outcome = outcome;
        exchange.errorClass = errorClass;
        cost.settle();
        exchange.releaseBody();
        if (context.trace() != null || context.metrics() != null) {
            TraceEvent event = TraceEvents.fill(exchange, context.pii().catalogue(), traceEvent,
                    context.clock().nanoTime());
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
        exchange.response.answerScan.end();
        exchange.inFlight = false;
        exchange.requestHeaders = null;
        if (exchange.keepAlive && ctx.channel().isActive()) {
            reader.resume();
        }
    }

    private void countLive(LiveMetrics metrics, TraceEvent event) {
        Rule deciding = exchange.policy.decidingRule();
        int status = exchange.response.status;
        metrics.request(status, status >= 400 || exchange.errorClass != null, exchange.errorClass,
                event.get(TraceField.OVERHEAD_NANOS), deciding == null ? null : deciding.id(), event.flag(TraceField.DENIED));
        for (int type = 0; type < context.pii().catalogue().types().size(); type++) {
            metrics.pii(type, exchange.policy.piiFindings.count(type));
        }
        if (exchange.response.answerScan.active()) {
            for (int type = 0; type < context.pii().catalogue().types().size(); type++) {
                metrics.piiResponse(type, exchange.response.answerScan.count(type));
            }
        }
        for (int i = 0; i < exchange.policy.shadowRuleCount(); i++) {
            metrics.shadowHit(exchange.policy.shadowRule(i).id());
        }
        AttemptRecord attempts = exchange.attempts;
        metrics.traffic().record(exchange.tenant() == null ? null : exchange.tenant().id(),
                exchange.route.provider() == null ? null : exchange.route.provider().configName(), exchange.facts.model(),
                status >= 400 || exchange.errorClass != null, exchange.errorClass == ErrorClass.RATE_LIMITED,
                exchange.errorClass == ErrorClass.BUDGET_EXHAUSTED, attempts.providerRateLimited,
                event.get(TraceField.OUTPUT_TOKENS), event.get(TraceField.TOTAL_NANOS), event.get(TraceField.OVERHEAD_NANOS),
                event.get(TraceField.TTFB_NANOS), exchange.timings.firstTokenNanos == 0 ? -1
                        : exchange.timings.firstTokenNanos - exchange.timings.acceptedNanos);
        metrics.upstream(exchange.route.provider() == Provider.GEMINI ? 1 : 0, attempts.count, attempts.retries,
                attempts.hedge != TraceEvent.HEDGE_NONE, attempts.hedge == TraceEvent.HEDGE_WON,
                exchange.errorClass == ErrorClass.UPSTREAM_CIRCUIT_OPEN && attempts.count == 0);
    }
}
