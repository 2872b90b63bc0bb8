package io.aegis.gateway.proxy;

import io.aegis.gateway.error.GatewayError;
import io.aegis.gateway.error.ProviderErrors;
import io.aegis.wire.CallerApi;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/** Writes the gateway's own error responses in the provider's shape. */
final class ErrorResponses {
    private ErrorResponses() {
    }

    /**
     * Sends a complete error response with {@code status} (a deny rule may choose one other than the
     * error kind's own); the caller decides what happens after the future completes.
     */
    static ChannelFuture send(ChannelHandlerContext ctx, CallerApi api, GatewayError error, int status, String message,
                              String param, String code, boolean keepAlive, String traceId, CharSequence allow,
                              long retryAfterSeconds) {
        ByteBuf body = ProviderErrors.body(ctx.alloc(), api, error, status, message, param, code);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status), body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        HttpUtil.setContentLength(response, body.readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        HeaderPolicy.traceIdHeader(response.headers(), traceId);
        if (allow != null) {
            response.headers().set(HttpHeaderNames.ALLOW, allow);
        }
        if (retryAfterSeconds > 0) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        }
        return ctx.writeAndFlush(response);
    }
}
