package io.aegis.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aegis.wire.KeyDigest;
import io.aegis.wire.Operation;
import io.aegis.wire.Provider;
import io.aegis.wire.Route;
import io.aegis.wire.RouteResolver;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers one aggregated request: authenticates loosely (a key must be present), picks the fault,
 * builds the provider's response and plays it with the configured timing. Delays are scheduled on
 * the event loop, never slept.
 */
final class MockRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MockOptions options;
    private final AtomicLong sequence;
    private final Route route = new Route();
    /** The response being played on this connection, if it is waiting for writability. */
    private MockPlayer player;

    MockRequestHandler(MockOptions options, AtomicLong sequence) {
        this.options = options;
        this.sequence = sequence;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        long n = sequence.incrementAndGet();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        RouteResolver.Outcome outcome = RouteResolver.resolve(request.method(), request.uri(), route);
        Provider provider = route.provider();
        if (outcome != RouteResolver.Outcome.ROUTED) {
            int status = outcome == RouteResolver.Outcome.NOT_FOUND ? 404 : 405;
            play(ctx, error(provider, status, "mock upstream: no such endpoint", n), MockFault.NONE, keepAlive, n);
            return;
        }
        String receivedAuth = receivedAuth(request.headers(), route.query());
        if (receivedAuth == null) {
            play(ctx, error(provider, 401, "mock upstream: no API key in the request", n), MockFault.NONE,
                    keepAlive, n);
            return;
        }
        String rejectedKeyId = request.headers().get("x-mock-reject-key-id");
        if (rejectedKeyId != null && receivedAuth.endsWith(" " + rejectedKeyId.trim())) {
            // A revoked key: the provider refuses it whatever the request.
            play(ctx, error(provider, 401, "mock upstream: invalid x-api-key", n), MockFault.NONE, keepAlive, n);
            return;
        }
        JsonNode body;
        try (InputStream in = new ByteBufInputStream(request.content().duplicate())) {
            body = JSON.readTree(in);
        } catch (IOException e) {
            play(ctx, error(provider, 400, "mock upstream: body is not valid JSON", n), MockFault.NONE, keepAlive, n);
            return;
        }
        if (body == null || !body.isObject()) {
            play(ctx, error(provider, 400, "mock upstream: body must be a JSON object", n), MockFault.NONE,
                    keepAlive, n);
            return;
        }
        Operation operation = route.operation();
        String model = provider == Provider.ANTHROPIC ? body.path("model").asText(null) : route.pathModel();
        if (model == null || model.isEmpty()) {
            play(ctx, error(provider, 400, "model: field required", n), MockFault.NONE, keepAlive, n);
            return;
        }
        if (operation == Operation.ANTHROPIC_MESSAGES
                && (!body.path("messages").isArray() || !body.path("max_tokens").canConvertToLong())) {
            play(ctx, error(provider, 400, "messages and max_tokens are required", n), MockFault.NONE, keepAlive, n);
            return;
        }

        MockFault fault = options.faults().choose(request.headers().get("x-mock-fault"), model);
        long outputOverride = parseLong(request.headers().get("x-mock-output-tokens"), -1);
        boolean cacheHit = "hit".equalsIgnoreCase(request.headers().get("x-mock-cache"));
        MockConversation reply = "prompt".equalsIgnoreCase(request.headers().get("x-mock-echo"))
                ? MockConversation.echo(provider, body) : MockConversation.of(provider, body, cacheHit, outputOverride);

        MockScript script = faultResponse(provider, fault, request.headers(), n);
        java.util.List<MockTools.Call> toolCalls = MockTools.calls(provider, body,
                request.headers().get("x-mock-tool-calls"));
        if (script == null && provider == Provider.GEMINI && GeminiMock.missingThoughtSignature(body)) {
            // As Gemini 2.5 does: a function call sent back without its signature is refused.
            script = error(provider, 400, "Function call is missing a thought_signature in functionCall parts.", n);
        }
        if (script == null && !toolCalls.isEmpty()) {
            script = provider == Provider.ANTHROPIC
                    ? AnthropicMock.toolCalls(body, reply, toolCalls, n)
                    : GeminiMock.toolCalls(operation, route.pathModel(), reply, toolCalls, route.wantsSse(), n);
        }
        if (script == null) {
            script = provider == Provider.ANTHROPIC
                    ? AnthropicMock.respond(operation, body, reply, fault, n)
                    : GeminiMock.respond(operation, model, body, reply, fault, route.wantsSse(), n);
        }
        // Echo what arrived, by kind and hash only, so tests can see what the gateway forwarded.
        script.headers.set("x-mock-received-auth", receivedAuth);
        script.headers.set("x-mock-received-path", route.upstreamPath());
        if (route.query() != null) {
            script.headers.set("x-mock-received-query", route.query().replaceAll("(^|&)key=[^&]*", "$1key=REDACTED"));
        }
        String sni = requestedServerName(ctx);
        if (sni != null) {
            script.headers.set("x-mock-received-sni", sni);
        }
        String traceparent = request.headers().get("traceparent");
        if (traceparent != null) {
            script.headers.set("x-mock-received-traceparent", traceparent);
        }
        script.headers.set("x-mock-received-content-length", String.valueOf(request.content().readableBytes()));
        script.headers.set("x-mock-received-body-sha256", sha256(request.content()));
        // Names only, never values: enough for tests to see which headers crossed the gateway.
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        request.headers().names().forEach(name -> names.add(name.toLowerCase(java.util.Locale.ROOT)));
        script.headers.set("x-mock-received-header-names", String.join(",", names));
        long delayMs = parseLong(request.headers().get("x-mock-delay-ms"), -1);
        play(ctx, script, fault, keepAlive, delayMs);
    }

    private MockScript faultResponse(Provider provider, MockFault fault, HttpHeaders headers, long n) {
        switch (fault) {
            case RATE_LIMITED: {
                long waitMs = parseLong(headers.get("x-mock-retry-after-ms"), options.retryAfterMs());
                MockScript script = provider == Provider.ANTHROPIC
                        ? AnthropicMock.error(429, "rate_limit_error", "mock upstream: rate limited", n)
                        : GeminiMock.error(429, "RESOURCE_EXHAUSTED", "mock upstream: quota exceeded",
                                Math.max(1, (waitMs + 999) / 1000) + "s");
                if (provider == Provider.ANTHROPIC) {
                    // Gemini sends its delay only in the body (wire/README.md).
                    script.headers.set("retry-after", String.valueOf(Math.max(1, (waitMs + 999) / 1000)));
                    script.headers.set("retry-after-ms", String.valueOf(waitMs));
                }
                return script;
            }
            case SERVER_ERROR:
                return error(provider, 500, "mock upstream: internal error", n);
            case UNAVAILABLE:
                return error(provider, 503, "mock upstream: unavailable", n);
            case OVERLOADED:
                return provider == Provider.ANTHROPIC
                        ? AnthropicMock.error(529, "overloaded_error", "Overloaded", n)
                        : GeminiMock.error(529, "UNAVAILABLE", "The model is overloaded.", null);
            default:
                return null;
        }
    }

    private static MockScript error(Provider provider, int status, String message, long n) {
        if (provider == Provider.ANTHROPIC) {
            String type;
            switch (status) {
                case 400: type = "invalid_request_error"; break;
                case 401: type = "authentication_error"; break;
                case 404: type = "not_found_error"; break;
                case 529: type = "overloaded_error"; break;
                default: type = "api_error";
            }
            return AnthropicMock.error(status, type, message, n);
        }
        String grpc;
        switch (status) {
            case 400: grpc = "INVALID_ARGUMENT"; break;
            case 401: grpc = "UNAUTHENTICATED"; break;
            case 404: grpc = "NOT_FOUND"; break;
            case 405: grpc = "INVALID_ARGUMENT"; break;
            case 503: grpc = "UNAVAILABLE"; break;
            default: grpc = "INTERNAL";
        }
        return GeminiMock.error(status, grpc, message, null);
    }

    private void play(ChannelHandlerContext ctx, MockScript script, MockFault fault, boolean keepAlive,
                      long delayOverrideMs) {
        if (fault == MockFault.RESET_BEFORE_RESPONSE) {
            reset(ctx);
            return;
        }
        long firstByteMs = options.latencyMs();
        long chunkMs = options.chunkDelayMs();
        long firstTokenMs = 0;
        if (fault == MockFault.SLOW_FIRST_TOKEN) {
            firstTokenMs = delayOverrideMs >= 0 ? delayOverrideMs : MockOptions.DEFAULT_SLOW_FIRST_BYTE_MS;
        } else if (fault == MockFault.SLOW_FIRST_BYTE) {
            firstByteMs = delayOverrideMs >= 0 ? delayOverrideMs : MockOptions.DEFAULT_SLOW_FIRST_BYTE_MS;
        } else if (fault == MockFault.SLOW_DRIP) {
            chunkMs = delayOverrideMs >= 0 ? delayOverrideMs : MockOptions.DEFAULT_SLOW_DRIP_MS;
        }
        MockPlayer next = new MockPlayer(ctx, script, fault == MockFault.RESET_MID_STREAM, fault == MockFault.STALL,
                keepAlive, chunkMs, firstTokenMs);
        player = next;
        if (firstByteMs > 0) {
            ctx.executor().schedule(next::start, firstByteMs, TimeUnit.MILLISECONDS);
        } else {
            next.start();
        }
    }

    private static void reset(ChannelHandlerContext ctx) {
        // SO_LINGER 0 makes close() send a TCP RST instead of a FIN.
        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        ctx.close();
    }

    /** The SNI host name the client sent, when this connection is TLS. */
    private static String requestedServerName(ChannelHandlerContext ctx) {
        io.netty.handler.ssl.SslHandler tls = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
        if (tls == null || !(tls.engine().getSession() instanceof javax.net.ssl.ExtendedSSLSession)) {
            return null;
        }
        for (javax.net.ssl.SNIServerName name
                : ((javax.net.ssl.ExtendedSSLSession) tls.engine().getSession()).getRequestedServerNames()) {
            if (name instanceof javax.net.ssl.SNIHostName) {
                return ((javax.net.ssl.SNIHostName) name).getAsciiName();
            }
        }
        return null;
    }

    private static String receivedAuth(HttpHeaders headers, String query) {
        String key = headers.get("x-api-key");
        String kind = "x-api-key";
        if (key == null && headers.get(HttpHeaderNames.AUTHORIZATION) != null) {
            String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
            key = authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7) : null;
            kind = "bearer";
        }
        if (key == null) {
            key = headers.get("x-goog-api-key");
            kind = "x-goog-api-key";
        }
        if (key == null && query != null) {
            for (String param : query.split("&")) {
                if (param.startsWith("key=")) {
                    key = param.substring(4);
                    kind = "query";
                }
            }
        }
        if (key == null || key.isBlank()) {
            return null;
        }
        return kind + " " + KeyDigest.keyId(KeyDigest.current().sha256(key));
    }

    private static String sha256(io.netty.buffer.ByteBuf content) {
        try {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            digest.update(content.nioBuffer());
            return KeyDigest.hex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long parseLong(String value, long fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        MockPlayer current = player;
        if (current != null && ctx.channel().isWritable() && current.chunkDelayMs == 0) {
            current.writeNext();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /** Writes a script piece by piece on the event loop, with the chunk delay between pieces. */
    private final class MockPlayer {
        private final ChannelHandlerContext ctx;
        private final MockScript script;
        private final boolean resetMidway;
        private final boolean stallMidway;
        private final boolean keepAlive;
        private final long chunkDelayMs;
        private final long firstTokenDelayMs;
        private int next;

        MockPlayer(ChannelHandlerContext ctx, MockScript script, boolean resetMidway, boolean stallMidway,
                   boolean keepAlive, long chunkDelayMs, long firstTokenDelayMs) {
            this.ctx = ctx;
            this.script = script;
            this.resetMidway = resetMidway;
            this.stallMidway = stallMidway;
            this.keepAlive = keepAlive;
            this.chunkDelayMs = chunkDelayMs;
            this.firstTokenDelayMs = firstTokenDelayMs;
        }

        void start() {
            if (!ctx.channel().isActive()) {
                return;
            }
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, script.status);
            head.headers().set(script.headers);
            if (script.streamed) {
                HttpUtil.setTransferEncodingChunked(head, true);
            } else {
                HttpUtil.setContentLength(head, script.bodyLength());
            }
            if (!keepAlive) {
                head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            if (firstTokenDelayMs > 0) {
                // The head at once, the body (the first event of a stream) later.
                ctx.writeAndFlush(head);
                ctx.executor().schedule(script.streamed ? this::writeNext : () -> writeWhole(null),
                        firstTokenDelayMs, TimeUnit.MILLISECONDS);
                return;
            }
            if (!script.streamed) {
                writeWhole(head);
                return;
            }
            ctx.writeAndFlush(head);
            writeNext();
        }

        /** A whole body at once, after {@code head} (or after a head already sent, when null). */
        private void writeWhole(HttpResponse head) {
            if (!ctx.channel().isActive()) {
                return;
            }
            player = null;
            byte[] body = script.pieces.isEmpty() ? new byte[0] : script.pieces.get(0);
            if (head != null) {
                ctx.write(head);
            }
            if (resetMidway || stallMidway) {
                ChannelFuture half = ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(body, 0, body.length / 2)));
                if (resetMidway) {
                    half.addListener(f -> reset(ctx));
                }
                return;
            }
            ctx.writeAndFlush(new io.netty.handler.codec.http.DefaultLastHttpContent(Unpooled.wrappedBuffer(body)))
                    .addListener(f -> finish());
        }

        /** Writes pieces while the connection can take them; a slow reader pauses the mock too. */
        private void writeNext() {
            while (ctx.channel().isActive()) {
                if (resetMidway && next >= Math.max(1, script.pieces.size() / 2)) {
                    ctx.flush();
                    reset(ctx);
                    return;
                }
                if (stallMidway && next >= Math.max(1, script.pieces.size() / 2)) {
                    // Silent from here on; the connection stays open until the client gives up.
                    ctx.flush();
                    player = null;
                    return;
                }
                if (next >= script.pieces.size()) {
                    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> finish());
                    player = null;
                    return;
                }
                if (!ctx.channel().isWritable()) {
                    // channelWritabilityChanged resumes us.
                    return;
                }
                byte[] piece = script.pieces.get(next++);
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(piece)));
                if (chunkDelayMs > 0) {
                    ctx.executor().schedule(this::writeNext, chunkDelayMs, TimeUnit.MILLISECONDS);
                    return;
                }
            }
        }

        private void finish() {
            if (!keepAlive) {
                ctx.close();
            }
        }
    }
}
