package io.aegis.gateway.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

/**
 * Where an exchange gets its upstream connections: the event loop's {@link UpstreamPool} in the
 * gateway, or a test's own channels. A channel handed out has the response relay installed
 * ({@link UpstreamConnections#installRelay}), so {@link UpstreamConnections#bind} routes its response.
 */
public interface UpstreamChannels {
    /** A connection to {@code endpoint}, pooled or new; call from the exchange's event loop only. */
    ChannelFuture acquire(UpstreamEndpoint endpoint, int connectTimeoutMs);

    /** Takes back a connection whose response completed cleanly, for reuse. */
    void release(UpstreamEndpoint endpoint, Channel channel);
}
