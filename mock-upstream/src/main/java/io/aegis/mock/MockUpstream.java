package io.aegis.mock;

import io.aegis.natives.NetworkTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The mock upstream server: one listener for both providers' APIs. */
public final class MockUpstream implements AutoCloseable {
    /** Largest request the mock accepts, as the real Anthropic API does. */
    static final int MAX_REQUEST_BYTES = 32 * 1024 * 1024;

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Channel serverChannel;
    private final boolean tls;

    private MockUpstream(EventLoopGroup group, boolean ownsGroup, Channel serverChannel, boolean tls) {
        this.tls = tls;
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.serverChannel = serverChannel;
    }

    /** Starts a mock on its own event loops. */
    public static MockUpstream start(NetworkTransport transport, InetSocketAddress listen, MockOptions options,
                                     int threads) throws InterruptedException {
        EventLoopGroup group = transport.newEventLoopGroup(threads, "aegis-mock");
        try {
            return start(transport, group, true, listen, options);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Starts a mock on existing event loops (the gateway's, in the demo). */
    public static MockUpstream start(NetworkTransport transport, EventLoopGroup group, boolean ownsGroup,
                                     InetSocketAddress listen, MockOptions options) throws InterruptedException {
        return start(transport, group, ownsGroup, listen, options, null);
    }

    /** Starts a mock that serves HTTPS with {@code serverTls} (for testing upstream TLS), or HTTP when null. */
    public static MockUpstream start(NetworkTransport transport, EventLoopGroup group, boolean ownsGroup,
                                     InetSocketAddress listen, MockOptions options, SslContext serverTls)
            throws InterruptedException {
        AtomicLong sequence = new AtomicLong();
        Channel channel = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (serverTls != null) {
                            ch.pipeline().addLast("tls", serverTls.newHandler(ch.alloc()));
                        }
                        ch.pipeline()
                                .addLast("http", new HttpServerCodec())
                                .addLast("aggregate", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                .addLast("respond", new MockRequestHandler(options, sequence));
                    }
                })
                .bind(listen).sync().channel();
        return new MockUpstream(group, ownsGroup, channel, serverTls != null);
    }

    /** The bound address (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** {@code http://host:port} of this mock. */
    public String baseUrl() {
        InetSocketAddress address = address();
        return (tls ? "https://" : "http://") + address.getHostString() + ":" + address.getPort();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
