package io.aegis.gateway.proxy;

import io.aegis.gateway.auth.CallerAuthenticator;
import io.aegis.gateway.config.AegisConfig;
import io.aegis.gateway.upstream.ProviderUpstream;
import io.aegis.gateway.upstream.UpstreamConnections;
import io.aegis.gateway.upstream.UpstreamStateMetrics;
import io.aegis.natives.NetworkTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.aegis.wire.Provider;
import java.net.InetSocketAddress;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * The data plane listener. Client connections start with AUTO_READ off (reads are asked for) and a
 * write-buffer water mark whose crossing pauses reading from the upstream.
 */
public final class GatewayServer implements AutoCloseable {
    /** Outbound bytes buffered for a slow caller before upstream reads pause. */
    static final WriteBufferWaterMark CLIENT_WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    /** Sent down every client pipeline when the gateway starts draining. */
    static final Object DRAIN = new Object();

    private final Channel serverChannel;
    private final ChannelGroup clients;
    private final ProxyContext.Drain drain;
    private final long drainTimeoutMs;
    private final CallerAuthenticator callers;
    private final UpstreamConnections upstreams;

    /** Every provider's targets, with their circuits and key pools (read by the dashboard). */
    public Map<Provider, ProviderUpstream> upstreams() {
        return upstreams.providers();
    }

    private GatewayServer(Channel serverChannel, ChannelGroup clients, ProxyContext.Drain drain, long drainTimeoutMs,
            CallerAuthenticator callers, UpstreamConnections upstreams) {
        this.callers = callers;
        this.upstreams = upstreams;
        this.serverChannel = serverChannel;
        this.clients = clients;
        this.drain = drain;
        this.drainTimeoutMs = drainTimeoutMs;
    }

    /** Binds the gateway on {@code group}, whose loops also run the upstream connections. */
    public static GatewayServer start(AegisConfig config, NetworkTransport transport, EventLoopGroup group,
                                      ExchangeListener listener, io.aegis.gateway.pii.PiiInspector pii,
                                      io.aegis.gateway.rules.ActiveRules rules,
                                      io.aegis.gateway.cost.CostControls costs,
                                      io.aegis.trace.TraceWriter trace,
                                      io.aegis.gateway.metrics.LiveMetrics metrics)
            throws InterruptedException, SSLException {
        ProxyContext.Drain drain = new ProxyContext.Drain();
        ChannelGroup clients = new DefaultChannelGroup("aegis-clients", GlobalEventExecutor.INSTANCE);
        UpstreamConnections upstreams = new UpstreamConnections(group, transport, config.providers());
        if (metrics != null) {
            metrics.upstreamState(out -> UpstreamStateMetrics.write(upstreams.providers(), out));
        }
        ProxyContext context = ProxyContext.of(config, upstreams, drain, listener, pii, rules, costs, trace, metrics,
                NanoClock.SYSTEM);
        CallerAuthenticator callers = context.authenticator();
        FrontendInitializer frontend = new FrontendInitializer(context, config.gateway().maxHeaderBytes());
        Channel channel = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, CLIENT_WATER_MARK)
                .childHandler(new io.netty.channel.ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        clients.add(ch);
                        ch.pipeline().addLast(frontend);
                    }
                })
                .bind(config.gateway().listen().toSocketAddress()).sync().channel();
        return new GatewayServer(channel, clients, drain, config.gateway().drainTimeoutMs(), callers, upstreams);
    }

    /** Who may call, for replacing the key table while the gateway runs. */
    public CallerAuthenticator callers() {
        return callers;
    }

    /** Whether the listener is bound and accepting. */
    public boolean isOpen() {
        return serverChannel.isActive();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** {@code http://host:port} of the gateway. */
    public String baseUrl() {
        InetSocketAddress address = address();
        return "http://" + address.getHostString() + ":" + address.getPort();
    }

    /** Client connections open now. */
    public int openConnections() {
        return clients.size();
    }

    /**
     * Stops accepting, closes idle connections, lets in-flight exchanges finish (each then closes its
     * connection) for up to {@code drain_timeout_ms}, and closes whatever is left.
     */
    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        drain.start();
        for (Channel client : clients) {
            client.eventLoop().execute(() -> client.pipeline().fireUserEventTriggered(DRAIN));
        }
        if (!clients.newCloseFuture().awaitUninterruptibly(drainTimeoutMs)) {
            clients.close().awaitUninterruptibly(1000);
        }
    }
}
