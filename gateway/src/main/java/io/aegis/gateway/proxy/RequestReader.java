package io.aegis.gateway.proxy;

import io.aegis.gateway.openai.ChatRequestTranslator;
import io.aegis.wire.Route;
import io.aegis.gateway.auth.CallerKeySource;
import io.aegis.gateway.config.AuthMode;
import io.aegis.gateway.error.ErrorClass;
import io.aegis.gateway.error.GatewayError;
import io.aegis.gateway.upstream.ProviderUpstream;
import io.aegis.wire.RouteResolver;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.aegis.wire.Provider;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The first stage: reads one request. Checks the head (decoding, route, method, caller key, declared
 * length), gathers the body up to {@code max_request_bytes}, parses it into the exchange's facts and
 * checks that its provider is configured with a key; then passes the {@link Exchange} on, with a
 * {@link Refusal} set when any check said no. Reads are explicit (AUTO_READ is off): while an
 * exchange is in flight, input of a pipelined next request is held here, and reading stops until it
 * is served.
 */
final class RequestReader extends ChannelInboundHandlerAdapter {
    private static final AsciiString ALLOW_POST = AsciiString.cached("POST");
    private static final AsciiString ALLOW_GET = AsciiString.cached("GET");

    private final Exchange exchange;
    private final ProxyContext context;
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    /** True from a request head until its exchange is passed on. */
    private boolean reading;
    /** True after a refusal that closes the connection: everything further is dropped. */
    private boolean discarding;
    private ChannelHandlerContext ctx;
    /** When the first byte of the request now arriving came, or 0 when none has. */
    private long requestStartNs;
    /** When the connection last became free for a new request. */
    private long idleSinceNs;
    private ScheduledFuture<?> clientClock;

    RequestReader(Exchange exchange, ProxyContext context) {
        this.exchange = exchange;
        this.context = context;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        idleSinceNs = context.clock().nanoTime();
        long periodNs = Math.max(TimeUnit.MILLISECONDS.toNanos(50),
                Math.min(context.requestTimeoutNs(), context.keepAliveTimeoutNs()) / 4);
        clientClock = ctx.executor().scheduleAtFixedRate(this::checkClientTimeouts, periodNs, periodNs,
                TimeUnit.NANOSECONDS);
        ctx.read();
        ctx.fireChannelActive();
    }

    /** Raw bytes arrived (called from before the decoder). */
    void bytesArrived() {
        if (requestStartNs == 0 && !exchange.inFlight) {
            requestStartNs = context.clock().nanoTime();
        }
    }

    /**
     * 408 for a request that has not arrived whole within the request timeout of its first byte; close
     * for a connection idle past the keep-alive timeout. Nothing while an exchange is in flight: the
     * upstream's own limits apply then.
     */
    private void checkClientTimeouts() {
        if (exchange.inFlight || discarding || !ctx.channel().isActive()) {
            return;
        }
        long now = context.clock().nanoTime();
        if (context.drain().draining() && requestStartNs == 0 && held.isEmpty()) {
            ctx.close();
            return;
        }
        if (requestStartNs != 0) {
            if (now - requestStartNs >= context.requestTimeoutNs()) {
                if (!reading) {
                    // No whole head yet: answer in the shape of the likelier provider, Anthropic's.
                    exchange.begin(now, HttpVersion.HTTP_1_1, false);
                    exchange.trace.begin(null);
                    exchange.route.clear(Provider.ANTHROPIC);
                    reading = true;
                }
                refuseAndClose(ctx, GatewayError.REQUEST_TIMEOUT, ErrorClass.REQUEST_TIMEOUT,
                        "the request did not arrive within "
                        + TimeUnit.NANOSECONDS.toMillis(context.requestTimeoutNs()) + " ms");
            }
        } else if (held.isEmpty() && now - idleSinceNs >= context.keepAliveTimeoutNs()) {
            ctx.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (discarding) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (exchange.inFlight || !held.isEmpty()) {
            held.addLast(msg);
            return;
        }
        handle(ctx, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (held.isEmpty() && !discarding) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHeld();
        exchange.releaseBody();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == GatewayServer.DRAIN) {
            // Between requests: close now. Mid-request or in flight: the exchange ends with connection: close.
            if (!exchange.inFlight && requestStartNs == 0 && held.isEmpty()) {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (clientClock != null) {
            clientClock.cancel(false);
        }
        releaseHeld();
        if (reading) {
            reading = false;
            exchange.releaseBody();
        }
        ctx.fireChannelInactive();
    }

    /** Called when the previous exchange has finished and the connection stays open. */
    void resume() {
        idleSinceNs = context.clock().nanoTime();
        requestStartNs = held.isEmpty() ? 0 : idleSinceNs;
        while (!held.isEmpty() && !exchange.inFlight && !discarding) {
            handle(ctx, held.pollFirst());
        }
        if (held.isEmpty() && !discarding && ctx.channel().isActive()) {
            ctx.read();
        }
    }

    private void handle(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            head(ctx, (HttpRequest) msg);
            if (discarding) {
                ReferenceCountUtil.release(msg);
                return;
            }
        }
        if (msg instanceof HttpContent) {
            content(ctx, (HttpContent) msg);
            return;
        }
        ReferenceCountUtil.release(msg);
    }

    private void head(ChannelHandlerContext ctx, HttpRequest request) {
        exchange.begin(context.clock().nanoTime(), request.protocolVersion(), HttpUtil.isKeepAlive(request));
        reading = true;
        exchange.requestHeaders = request.headers();
        exchange.trace.begin(request.headers().get("traceparent"));

        DecoderResult decoded = request.decoderResult();
        RouteResolver.Outcome outcome = RouteResolver.resolve(request.method(), request.uri(), exchange.route);
        if (decoded.isFailure()) {
            Throwable cause = decoded.cause();
            refuseAndClose(ctx, decoderError(cause), decoderErrorClass(cause), decoderMessage(cause));
            return;
        }
        if (outcome == RouteResolver.Outcome.NOT_FOUND) {
            exchange.refuse(GatewayError.NOT_FOUND, "no such endpoint: " + request.method() + " "
                    + pathOnly(request.uri()), ErrorClass.NOT_FOUND);
        } else if (outcome == RouteResolver.Outcome.METHOD_NOT_ALLOWED) {
            boolean get = exchange.route.openAiEndpoint() == Route.OpenAiEndpoint.MODELS;
            exchange.refuse(GatewayError.METHOD_NOT_ALLOWED, request.method() + " is not allowed here; use "
                    + (get ? "GET" : "POST"), ErrorClass.METHOD_NOT_ALLOWED).allow(get ? ALLOW_GET : ALLOW_POST);
        } else if (!context.authenticator().authenticate(request.headers(), exchange.route.query(), exchange.caller)) {
            exchange.refuse(GatewayError.UNAUTHENTICATED, exchange.caller.source() == CallerKeySource.NONE
                    ? "no API key: send it in x-api-key, Authorization: Bearer, x-goog-api-key or ?key="
                    : "the API key is not valid for this gateway", ErrorClass.UNAUTHENTICATED);
        }

        long declared = HttpUtil.getContentLength(request, -1L);
        if (declared > context.maxRequestBytes()) {
            refuseAndClose(ctx, GatewayError.TOO_LARGE, ErrorClass.TOO_LARGE, "request body of " + declared
                    + " bytes is over the limit of " + context.maxRequestBytes() + " bytes");
            return;
        }
        if (HttpUtil.is100ContinueExpected(request)) {
            if (exchange.refusal() != null) {
                // The caller has not sent the body; refusing now and closing spares it the upload.
                exchange.keepAlive = false;
                discarding = true;
                passOn(ctx);
                return;
            }
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        if (exchange.refusal() == null) {
            int initial = (int) Math.min(declared >= 0 ? declared : 8192, context.maxRequestBytes());
            exchange.body = ctx.alloc().heapBuffer(Math.max(initial, 256), context.maxRequestBytes());
        }
    }

    private void content(ChannelHandlerContext ctx, HttpContent content) {
        try {
            if (!reading) {
                return;
            }
            ByteBuf body = exchange.body;
            if (body != null) {
                ByteBuf chunk = content.content();
                if (body.readableBytes() + chunk.readableBytes() > context.maxRequestBytes()) {
                    refuseAndClose(ctx, GatewayError.TOO_LARGE, ErrorClass.TOO_LARGE,
                            "request body is over the limit of " + context.maxRequestBytes() + " bytes");
                    return;
                }
                body.writeBytes(chunk);
            }
            if (content instanceof LastHttpContent) {
                passOn(ctx);
            }
        } finally {
            content.release();
        }
    }

    /** Refuses the request and closes the connection once the error is written. */
    private void refuseAndClose(ChannelHandlerContext ctx, GatewayError error, ErrorClass errorClass, String message) {
        exchange.refuseInstead(error, message, errorClass);
        exchange.keepAlive = false;
        discarding = true;
        passOn(ctx);
    }

    private void passOn(ChannelHandlerContext ctx) {
        reading = false;
        requestStartNs = 0;
        if (exchange.refusal() == null) {
            check();
        }
        if (exchange.refusal() != null) {
            exchange.releaseBody();
        }
        exchange.inFlight = true;
        ctx.fireChannelRead(exchange);
    }

    /**
     * The whole request is here: parses the body into the exchange's facts, then checks that the gateway
     * has the provider the route names, and a key for it when it sends its own.
     */
    private void check() {
        if (exchange.route.openAiEndpoint() == Route.OpenAiEndpoint.MODELS) {
            return; // answered here, from the config
        }
        if (exchange.route.openAiEndpoint() == Route.OpenAiEndpoint.CHAT_COMPLETIONS && !translate()) {
            return;
        }
        String problem = context.parser().parse(exchange.body, exchange.route.operation(),
                exchange.route.pathModel(), exchange.facts);
        if (problem != null) {
            exchange.refuse(GatewayError.BAD_REQUEST, problem, ErrorClass.BAD_REQUEST);
            return;
        }
        String name = exchange.route.provider().configName();
        ProviderUpstream provider = context.upstreams().provider(exchange.route.provider());
        if (provider == null) {
            exchange.refuse(GatewayError.NOT_FOUND, "this gateway has no " + name + " provider configured",
                    ErrorClass.PROVIDER_NOT_CONFIGURED);
        } else if (context.authenticator().mode() == AuthMode.VIRTUAL && !provider.hasKeys()) {
            exchange.refuse(GatewayError.INTERNAL, "no " + name + " provider key is configured on the gateway ("
                    + provider.apiKeySource() + ")", ErrorClass.PROVIDER_KEY_MISSING);
        } else {
            exchange.upstreamProvider = provider;
        }
    }

    /**
     * An OpenAI call becomes the native request of the provider its model names; from here on every
     * stage sees that request. False (refused, naming the parameter) when it cannot be translated.
     */
    private boolean translate() {
        boolean drop = "true".equalsIgnoreCase(exchange.requestHeaders.get("x-aegis-drop-params"));
        ChatRequestTranslator.Native translated;
        try {
            translated = context.openAi().translate(exchange.body, drop, exchange.openAi);
        } catch (ChatRequestTranslator.Problem problem) {
            exchange.refuse(problem.unknownModel() ? GatewayError.NOT_FOUND : GatewayError.BAD_REQUEST,
                    problem.getMessage(), ErrorClass.BAD_REQUEST).param(problem.param());
            return false;
        }
        exchange.body.release();
        exchange.body = translated.body();
        exchange.route.translated(translated.operation(), translated.pathModel(), translated.upstreamPath(),
                translated.query());
        return true;
    }

    private void releaseHeld() {
        Object msg;
        while ((msg = held.pollFirst()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    private static GatewayError decoderError(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return GatewayError.URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return GatewayError.HEADERS_TOO_LARGE;
        }
        return GatewayError.BAD_REQUEST;
    }

    private static ErrorClass decoderErrorClass(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return ErrorClass.URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return ErrorClass.HEADERS_TOO_LARGE;
        }
        return ErrorClass.BAD_REQUEST;
    }

    private static String decoderMessage(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return "request line is too long";
        }
        if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            return "request headers are too large";
        }
        String reason = cause == null || cause.getMessage() == null ? "malformed" : cause.getMessage();
        // Decoder messages name the rule broken, not header values, so they are safe to return.
        return "malformed HTTP request: " + (reason.length() > 200 ? reason.substring(0, 200) : reason);
    }

    private static String pathOnly(String uri) {
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        return path.length() > 200 ? path.substring(0, 200) + "..." : path;
    }
}
