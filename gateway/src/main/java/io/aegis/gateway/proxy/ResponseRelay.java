package io.aegis.gateway.proxy;

import io.aegis.gateway.error.ErrorClass;
import io.aegis.gateway.error.GatewayError;
import io.aegis.gateway.error.ProviderErrors;
import io.aegis.wire.CallerApi;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The relay stage: writes the winning attempt's answer to the caller as it arrives. Commits the
 * head (the upstream's end-to-end headers, the gateway's trace id and rate-limit headers), passes
 * each chunk on and reads usage from it on the side, and reads the upstream only while the caller's
 * channel is writable. A failure after the head went out becomes the provider's in-stream error
 * event (for event streams) and a close without the final chunk, so that no caller mistakes a cut
 * stream for a complete one. Either end goes to {@link ExchangeCompletion}.
 */
final class ResponseRelay {
    private final Exchange exchange;
    private final ProxyContext context;
    private final ExchangeCompletion completion;
    private ChannelHandlerContext ctx;
    /** The winner's connection while its answer is relayed. */
    private Channel upstream;
    /** Ends the winning attempt when the answer policy refuses what it sends. */
    private Runnable refuseAnswer = () -> { };

    ResponseRelay(Exchange exchange, ProxyContext context, ExchangeCompletion completion) {
        this.exchange = exchange;
        this.context = context;
        this.completion = completion;
    }

    void attach(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** What ends the winning attempt when the answer policy blocks its answer mid-stream. */
    void onAnswerRefused(Runnable endWinner) {
        this.refuseAnswer = endWinner;
    }

    /** The caller gets this answer: its head goes out now, and the body follows from {@code upstreamChannel}. */
    void commit(HttpResponse head, Channel upstreamChannel, long nowNanos) {
        ResponseState response = exchange.response;
        upstream = upstreamChannel;
        exchange.timings.firstByteNanos = nowNanos;
        response.status = head.status().code();
        String contentType = head.headers().get(HttpHeaderNames.CONTENT_TYPE);
        response.eventStream = contentType != null && contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
        response.readingUsage = response.status >= 200 && response.status < 300;
        if (response.readingUsage) {
            response.usageReader.begin(exchange.route.provider(), response.eventStream);
        }
        // Only a successful answer is the model's text; error bodies pass as they came.
        response.rewriting = response.readingUsage && response.answerPolicy;
        if (response.rewriting) {
            response.rewriter.begin(exchange.route.provider(), response.eventStream, exchange.facts.stream(),
                    response.answerScan);
        }
        // An OpenAI caller gets every answer, errors included, in OpenAI's shape.
        response.translating = exchange.route.api() == CallerApi.OPENAI;
        if (response.translating) {
            response.translator.begin(exchange.openAi, response.status, response.eventStream);
        }
        exchange.endKeepAliveIf(context.drain().draining());

        // Read before the headers are fitted in place (which removes transfer-encoding).
        boolean lengthKnown = HttpUtil.isContentLengthSet(head) && !HttpUtil.isTransferEncodingChunked(head)
                && !response.rewriting && !response.translating; // a rewritten body's length is not the upstream's
        HttpResponse out;
        if (head instanceof HttpContent) {
            // A head that is also a body (a full response from the decoder) would write its body twice: copied.
            // The upstream's headers were validated as they were decoded; copying them needs no second check.
            out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, head.status(), HeaderPolicy.UNVALIDATED);
            HeaderPolicy.copyResponseHeaders(head.headers(), out.headers(), exchange.trace.traceId());
        } else {
            // The decoder's head goes on to the caller, its headers fitted in place: no copy per response.
            out = head.setProtocolVersion(HttpVersion.HTTP_1_1);
            HeaderPolicy.forCaller(out.headers(), exchange.trace.traceId());
        }
        RateLimitHeaders.add(out.headers(), exchange.cost.tenant, nowNanos);
        if (response.rewriting && response.rewriter.wholeBody() || response.translating && response.translator.wholeBody()) {
            // Its length is known once the body is rewritten, at its end.
            out.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
            out.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
            response.heldHead = out;
            return;
        }
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
        response.headSent = true;
        // A void promise: nothing waits on this write, and the encoder then writes the head's pieces without
        // a promise and a combiner each; a failed write reaches exceptionCaught, a closed caller channelInactive.
        ctx.write(out, ctx.voidPromise());
    }

    /** Passes one chunk (not the last) to the caller. */
    void relay(HttpContent content) {
        account(content);
        ResponseState response = exchange.response;
        if (!response.rewriting && !response.translating) {
            ctx.write(content, ctx.voidPromise()); // as for the head
            return;
        }
        ByteBuf out = transform(content);
        if (out == null) {
            refuseAnswer.run();
            refuseInStream();
        } else if (out.isReadable()) {
            ctx.write(new DefaultHttpContent(out), ctx.voidPromise());
        } else {
            out.release();
        }
    }

    /**
     * A chunk through the answer policy's rewriting, then OpenAI's translation, as each applies;
     * releases {@code content}. {@code null} when a blocked type stopped the answer.
     */
    private ByteBuf transform(HttpContent content) {
        ResponseState response = exchange.response;
        ByteBuf bytes;
        if (response.rewriting) {
            bytes = response.rewriter.feed(ctx.alloc(), content.content());
            content.release();
            if (response.rewriter.blocked()) {
                bytes.release();
                return null;
            }
        } else {
            bytes = content.content();
        }
        if (!response.translating) {
            return bytes;
        }
        ByteBuf translated = response.translator.feed(ctx.alloc(), bytes);
        bytes.release(); // the rewriter's output, or the content's own buffer
        return translated;
    }

    /** A blocked type in a streamed answer: the caller is told in-stream, and nothing after the value goes out. */
    private void refuseInStream() {
        failInStream(GatewayError.FORBIDDEN, blockedMessage(), ErrorClass.PII_BLOCKED_RESPONSE);
    }

    private String blockedMessage() {
        // Types only: the values themselves never appear in a response, a log or a trace.
        return "the answer contains " + exchange.response.answerScan.blockedTypes()
                + ", which this gateway does not return";
    }

    /** Counts a chunk's bytes and reads usage from it on the side. */
    private void account(HttpContent content) {
        ResponseState response = exchange.response;
        response.bytes += content.content().readableBytes();
        if (response.readingUsage) {
            response.usageReader.feed(content.content());
            if (exchange.timings.firstTokenNanos == 0 && response.usageReader.contentSeen()) {
                exchange.timings.firstTokenNanos = context.clock().nanoTime(); // once per answer
            }
        }
    }

    /** The last chunk: written and flushed, the connection closed after it unless kept alive; the exchange completes. */
    void relayLast(LastHttpContent content, long nowNanos) {
        account(content);
        exchange.timings.lastByteNanos = nowNanos;
        exchange.response.finishUsage();
        upstream = null;
        // The head may have gone out before the drain began; the connection still ends here.
        exchange.endKeepAliveIf(context.drain().draining());
        if (exchange.response.rewriting || exchange.response.translating) {
            relayLastRewritten(content);
            return;
        }
        completion.completed(ctx.writeAndFlush(content), exchange.keepAlive);
    }

    /**
     * The end of a rewritten or translated answer: the held-back text, the translation's end (and a
     * whole body with its head) go out.
     */
    private void relayLastRewritten(LastHttpContent content) {
        ResponseState response = exchange.response;
        ByteBuf body;
        if (response.rewriting) {
            ByteBuf tail = response.rewriter.feed(ctx.alloc(), content.content());
            content.release();
            body = join(tail, response.rewriter.finish(ctx.alloc()));
        } else {
            body = content.content();
        }
        HttpResponse head = response.heldHead;
        response.heldHead = null;
        if (response.rewriting && (response.rewriter.blocked() || response.rewriter.tooLarge())) {
            body.release();
            refuseHeld(head, response.rewriter.blocked());
            return;
        }
        if (response.translating) {
            ByteBuf tail = response.translator.feed(ctx.alloc(), body);
            body.release();
            body = join(tail, response.translator.finish(ctx.alloc()));
            if (response.translator.tooLarge()) {
                body.release();
                refuseHeld(head, false);
                return;
            }
        }
        if (head != null) {
            if (response.translating) {
                head.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            }
            HttpUtil.setContentLength(head, body.readableBytes());
            HttpUtil.setKeepAlive(head, exchange.keepAlive);
            response.headSent = true;
            ctx.write(head, ctx.voidPromise());
        }
        completion.completed(ctx.writeAndFlush(new DefaultLastHttpContent(body)), exchange.keepAlive);
    }

    /**
     * An answer that cannot go out as it came: a blocked PII type (403), or a body or event too large
     * to hold (502). A stream whose head went out ends with the provider's in-stream error instead.
     */
    private void refuseHeld(HttpResponse head, boolean blocked) {
        if (head == null) {
            refuseInStream();
        } else if (blocked) {
            completion.refuse(exchange.refuse(GatewayError.FORBIDDEN, blockedMessage(),
                    ErrorClass.PII_BLOCKED_RESPONSE));
        } else {
            completion.refuse(exchange.refuse(GatewayError.UPSTREAM_FAILED, "the answer is too large to hold",
                    ErrorClass.UPSTREAM_PROTOCOL, io.aegis.trace.Outcome.UPSTREAM_FAILED));
        }
    }

    /** {@code a} then {@code b} as one buffer, either released when empty. */
    private ByteBuf join(ByteBuf a, ByteBuf b) {
        if (!a.isReadable()) {
            a.release();
            return b;
        }
        if (!b.isReadable()) {
            b.release();
            return a;
        }
        return ctx.alloc().compositeBuffer(2).addComponents(true, a, b);
    }

    /** The end of an upstream read batch: flush, and read on while the caller keeps up. */
    void readComplete() {
        ctx.flush();
        if (upstream != null && ctx.channel().isWritable()) {
            upstream.read();
        }
    }

    /** The caller's channel drained below its water mark (or filled above it). */
    void writabilityChanged() {
        if (upstream != null && ctx.channel().isWritable()) {
            upstream.read();
        }
    }

    /** After the head went out: tell the caller in-stream (event streams), then close without the last chunk. */
    void failInStream(GatewayError error, String message, ErrorClass errorClass) {
        upstream = null;
        exchange.timings.lastByteNanos = context.clock().nanoTime();
        exchange.response.finishUsage();
        if (exchange.response.heldHead != null) {
            // A whole body held for rewriting: nothing went out, so the caller gets a plain error.
            exchange.response.heldHead = null;
            completion.refuse(exchange.refuse(error, message, errorClass, io.aegis.trace.Outcome.UPSTREAM_FAILED));
            return;
        }
        if (exchange.response.eventStream) {
            ctx.write(new DefaultHttpContent(
                    ProviderErrors.streamEvent(ctx.alloc(), exchange.route.api(), error, message)));
        }
        exchange.keepAlive = false;
        completion.failedInStream(ctx.writeAndFlush(Unpooled.EMPTY_BUFFER), errorClass);
    }

    /** The caller left: nothing more is relayed, and the usage seen so far is what is billed. */
    void abandon() {
        upstream = null;
        exchange.response.finishUsage();
    }
}
