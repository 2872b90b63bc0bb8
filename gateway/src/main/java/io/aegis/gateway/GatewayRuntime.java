package io.aegis.gateway;

import io.aegis.gateway.config.AegisConfig;
import io.aegis.gateway.config.MockUpstreamSettings;
import io.aegis.gateway.mock.FaultPlan;
import io.aegis.gateway.mock.MockOptions;
import io.aegis.gateway.mock.MockUpstream;
import io.aegis.gateway.proxy.ExchangeListener;
import io.aegis.gateway.proxy.GatewayServer;
import io.aegis.natives.NetworkTransport;
import io.aegis.natives.NetworkTransports;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/** A running gateway: its event loops, the optional in-process mock upstream and the listener. */
public final class GatewayRuntime implements AutoCloseable {
    private final EventLoopGroup group;
    private final MockUpstream mock;
    private final GatewayServer server;
    private final NetworkTransport transport;

    private GatewayRuntime(EventLoopGroup group, MockUpstream mock, GatewayServer server,
                           NetworkTransport transport) {
        this.group = group;
        this.mock = mock;
        this.server = server;
        this.transport = transport;
    }

    /** Starts everything the config asks for; on failure, stops what had started. */
    public static GatewayRuntime start(AegisConfig config, ExchangeListener listener)
            throws InterruptedException, SSLException {
        NetworkTransport transport = NetworkTransports.select(config.gateway().transport());
        int loops = config.gateway().eventLoops() > 0
                ? config.gateway().eventLoops() : Runtime.getRuntime().availableProcessors();
        EventLoopGroup group = transport.newEventLoopGroup(loops, "aegis-io");
        MockUpstream mock = null;
        try {
            MockUpstreamSettings mockSettings = config.mockUpstream();
            if (mockSettings != null) {
                MockOptions options = new MockOptions(mockSettings.latencyMs(), mockSettings.chunkDelayMs(),
                        MockOptions.DEFAULT_RETRY_AFTER_MS, FaultPlan.parse(mockSettings.faults(), 1));
                mock = MockUpstream.start(transport, group, false, mockSettings.listen(), options);
            }
            GatewayServer server = GatewayServer.start(config, transport, group, listener);
            return new GatewayRuntime(group, mock, server, transport);
        } catch (InterruptedException | SSLException | RuntimeException e) {
            if (mock != null) {
                mock.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public GatewayServer server() {
        return server;
    }

    /** The in-process mock upstream, or {@code null}. */
    public MockUpstream mock() {
        return mock;
    }

    public NetworkTransport transport() {
        return transport;
    }

    @Override
    public void close() {
        server.close();
        if (mock != null) {
            mock.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
