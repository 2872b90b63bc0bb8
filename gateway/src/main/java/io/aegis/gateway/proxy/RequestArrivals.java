package io.aegis.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Tells the {@link RequestReader} when raw bytes arrive, before the HTTP decoder has a whole head to
 * show: the request timeout runs from a request's first byte, so a client that sends a head one byte
 * at a time (slowloris) is cut off instead of holding the connection forever.
 */
final class RequestArrivals extends ChannelInboundHandlerAdapter {
    private final RequestReader reader;

    RequestArrivals(RequestReader reader) {
        this.reader = reader;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reader.bytesArrived();
        ctx.fireChannelRead(msg);
    }
}
