package io.aegis.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * Assembles a client connection's pipeline in named steps: byte arrivals (for the request timeout),
 * HTTP codec, request reader, exchange.
 */
@io.netty.channel.ChannelHandler.Sharable
final class FrontendInitializer extends ChannelInitializer<Channel> {
    /** Longest request line (method, URI, version) accepted; 414 above it. */
    static final int MAX_REQUEST_LINE_BYTES = 16 * 1024;

    private final ProxyContext context;
    private final int maxHeaderBytes;

    FrontendInitializer(ProxyContext context, int maxHeaderBytes) {
        this.context = context;
        this.maxHeaderBytes = maxHeaderBytes;
    }

    @Override
    protected void initChannel(Channel ch) {
        Exchange exchange = new Exchange();
        RequestReader reader = new RequestReader(exchange, context);
        ChannelPipeline pipeline = ch.pipeline();
        pipeline.addLast("arrivals", new RequestArrivals(reader));
        pipeline.addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_REQUEST_LINE_BYTES)
                .setMaxHeaderSize(maxHeaderBytes)));
        pipeline.addLast("request", reader);
        pipeline.addLast("exchange", new ExchangeHandler(exchange, context, reader));
    }
}
