package io.aegis.gateway.proxy;

import io.aegis.gateway.auth.CallerAuthenticator;
import io.aegis.gateway.config.AuthMode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client connection's exchanges, in the Netty life cycle. Once the {@link RequestReader} has read a
 * request, it goes through the stages in order: {@link PolicyStage} (PII, rules, redaction, routing),
 * {@link CostAdmission} (limits and budgets), then the {@link AttemptScheduler} (targets, attempts,
 * retries, hedging, deadlines), whose winning answer the {@link ResponseRelay} streams to the caller.
 * A stage that refuses hands its {@link Refusal} on, and every path ends in
 * {@link ExchangeCompletion}, the one place that answers refusals, settles cost and writes the trace
 * event.
 */
final class ExchangeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ExchangeHandler.class);

    private final Exchange exchange;
    private final PolicyStage policies;
    private final CostAdmission admission;
    private final AttemptScheduler attempts;
    private final ResponseRelay relay;
    private final ExchangeCompletion completion;
    private final boolean virtualKeys;
    private final NanoClock clock;

    ExchangeHandler(Exchange exchange, ProxyContext context, RequestReader reader) {
        this.exchange = exchange;
        this.clock = context.clock();
        this.virtualKeys = context.authenticator().mode() == AuthMode.VIRTUAL;
        this.policies = new PolicyStage(exchange, context);
        this.admission = new CostAdmission(exchange, context);
        this.completion = new ExchangeCompletion(exchange, context, admission, reader);
        this.relay = new ResponseRelay(exchange, context, completion);
        this.attempts = new AttemptScheduler(exchange, context, virtualKeys, new TargetPicker(exchange, virtualKeys),
                relay, completion);
        relay.onAnswerRefused(attempts::refuseAnswer);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        completion.attach(ctx);
        relay.attach(ctx);
        attempts.attach(ctx);
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress peer && peer.getAddress() != null) {
            policies.clientIp(peer.getAddress().getHostAddress());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg == exchange) {
            run(ctx);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /** One read request through the stages. */
    private void run(ChannelHandlerContext ctx) {
        Refusal refused = exchange.refusal();
        if (refused == null && exchange.route.openAiEndpoint() == io.aegis.wire.Route.OpenAiEndpoint.MODELS) {
            completion.modelList();
            return;
        }
        if (refused == null) {
            refused = policies.apply(ctx.alloc());
        }
        if (refused == null) {
            admit(ctx, clock.nanoTime());
            return;
        }
        completion.refuse(refused);
    }

    /**
     * The cost stage, then the attempts. A budget the fleet shares that is short only of this
     * gateway's leased room is tried again every {@value #LEASE_RETRY_MS} ms for up to
     * {@value #LEASE_WAIT_MS} ms (the lease client asks at once): on the event loop's timer, never
     * blocking it.
     */
    private void admit(ChannelHandlerContext ctx, long firstTryNanos) {
        if (!exchange.inFlight) {
            return; // the caller left while the request waited for a lease
        }
        Refusal refused = admission.admit();
        if (refused == null) {
            attempts.start(upstreamPathAndQuery());
            return;
        }
        if ((refused.errorClass() == io.aegis.gateway.error.ErrorClass.BUDGET_EXHAUSTED
                || refused.errorClass() == io.aegis.gateway.error.ErrorClass.RATE_LIMITED) && admission.leaseMayCome()
                && clock.nanoTime() - firstTryNanos < java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(LEASE_WAIT_MS)) {
            exchange.clearRefusal();
            ctx.executor().schedule(() -> admit(ctx, firstTryNanos), LEASE_RETRY_MS,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
            return;
        }
        completion.refuse(refused);
    }

    /** How long a request may wait for a fleet lease on its way, and how often it looks. */
    private static final long LEASE_WAIT_MS = 250;
    private static final long LEASE_RETRY_MS = 5;

    /** The path and query the upstream gets (after a target's base path); in virtual mode without the caller's key. */
    private String upstreamPathAndQuery() {
        String query = virtualKeys ? CallerAuthenticator.withoutKey(exchange.route.query()) : exchange.route.query();
        return exchange.route.upstreamPath() + (query == null ? "" : "?" + query);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        relay.writabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange.inFlight) {
            // The caller left: cancel the upstream requests rather than let them run on unbilled.
            attempts.cancel();
            relay.abandon();
            completion.clientClosed();
        }
        exchange.response.answerScan.close();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            // The class only: a message may quote request bytes, and logs never carry request content.
            LOG.warn("closing client connection after an unexpected {}", cause.getClass().getName());
        }
        ctx.close();
    }
}
