package io.aegis.gateway.upstream;

import io.aegis.natives.NetworkTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to upstream endpoints for one event loop. Connections are created on, and
 * only touched from, that loop, so the pool needs no locks; a client connection on the same loop
 * relays to an upstream connection without crossing threads.
 */
public final class UpstreamPool implements UpstreamChannels {
    /** Idle connections kept per endpoint and loop. */
    public static final int MAX_IDLE_PER_ENDPOINT = 256;
    /** A pooled connection unused this long is closed (upstreams drop idle ones at about a minute). */
    public static final long POOL_IDLE_SECONDS = 50;
    /** Largest response head accepted from an upstream. */
    static final int MAX_RESPONSE_HEADER_BYTES = 64 * 1024;

    private final EventLoop loop;
    private final NetworkTransport transport;
    private final ArrayDeque<Channel>[] idle;

    @SuppressWarnings({"unchecked", "rawtypes"})
    UpstreamPool(EventLoop loop, NetworkTransport transport, int endpoints) {
        this.loop = loop;
        this.transport = transport;
        this.idle = new ArrayDeque[endpoints];
        for (int i = 0; i < endpoints; i++) {
            idle[i] = new ArrayDeque<>();
        }
    }

    /**
     * A connection to {@code endpoint}: a pooled idle one when there is one, else a new one. The
     * future's channel has the relay installed; call from this pool's event loop only.
     */
    @Override
    public ChannelFuture acquire(UpstreamEndpoint endpoint, int connectTimeoutMs) {
        ArrayDeque<Channel> deque = idle[endpoint.index()];
        Channel channel;
        while ((channel = deque.pollLast()) != null) {
            if (channel.isActive()) {
                channel.attr(UpstreamConnections.REUSED).set(Boolean.TRUE);
                return channel.newSucceededFuture();
            }
        }
        return connect(endpoint, connectTimeoutMs);
    }

    /** Returns a connection whose response completed cleanly; closes it when the pool is full. */
    @Override
    public void release(UpstreamEndpoint endpoint, Channel channel) {
        UpstreamConnections.relay(channel).unbind();
        ArrayDeque<Channel> deque = idle[endpoint.index()];
        if (!channel.isActive() || deque.size() >= MAX_IDLE_PER_ENDPOINT) {
            channel.close();
            return;
        }
        deque.addLast(channel);
        // A pending read lets an upstream's close (or stray bytes) reach the relay while the connection
        // waits here, so the pool drops it at once instead of handing out a dead connection.
        channel.read();
    }

    private ChannelFuture connect(UpstreamEndpoint endpoint, int connectTimeoutMs) {
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(transport.clientChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline pipeline = ch.pipeline();
                        if (endpoint.tls() != null) {
                            // Peer host and port make the engine send SNI and check the certificate's name.
                            pipeline.addLast("tls", endpoint.tls().newHandler(ch.alloc(), endpoint.tlsName(),
                                    endpoint.port()));
                        }
                        pipeline.addLast("http", new HttpClientCodec(new HttpDecoderConfig()
                                .setMaxHeaderSize(MAX_RESPONSE_HEADER_BYTES), false, false));
                        pipeline.addLast("poolIdle", new IdleStateHandler(0, 0, POOL_IDLE_SECONDS, TimeUnit.SECONDS));
                        pipeline.addLast(UpstreamConnections.RELAY, new UpstreamRelay());
                    }
                });
        ChannelFuture connect = bootstrap.connect(endpoint.host(), endpoint.port());
        Channel channel = connect.channel();
        channel.closeFuture().addListener(f -> idle[endpoint.index()].remove(channel));
        if (endpoint.tls() == null) {
            return connect;
        }
        // With TLS, the connection is usable once the handshake is done.
        io.netty.channel.ChannelPromise ready = channel.newPromise();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                ready.setFailure(f.cause());
                return;
            }
            channel.pipeline().get(io.netty.handler.ssl.SslHandler.class).handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    ready.trySuccess();
                } else {
                    ready.tryFailure(h.cause());
                    channel.close();
                }
            });
            // The handshake needs reads even though AUTO_READ is off.
            channel.read();
        });
        return ready;
    }
}
