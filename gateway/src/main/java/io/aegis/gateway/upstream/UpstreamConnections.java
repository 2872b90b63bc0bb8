package io.aegis.gateway.upstream;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.EventExecutor;
import io.aegis.natives.NetworkTransport;
import io.aegis.gateway.config.ProviderSettings;
import io.aegis.wire.Provider;
import io.netty.channel.EventLoopGroup;
import io.aegis.wire.KeyDigest;
import io.aegis.gateway.config.CircuitSettings;
import io.aegis.gateway.config.FailoverTarget;
import io.aegis.gateway.resilience.CircuitBreaker;
import io.aegis.gateway.resilience.KeyPool;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.IdentityHashMap;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * The upstream side as a whole: one {@link UpstreamPool} per event loop, the provider targets, and
 * the binding of a response listener to a connection. Targets share one endpoint index space, so a
 * pool keeps idle connections per target. Built once at start-up; read-only afterwards.
 */
public final class UpstreamConnections {
    static final String RELAY = "relay";
    static final AttributeKey<Boolean> REUSED = AttributeKey.valueOf("aegis.upstream.reused");

    private final Map<EventExecutor, UpstreamChannels> pools = new IdentityHashMap<>();
    private final Map<Provider, ProviderUpstream> providers = new EnumMap<>(Provider.class);
    /** The channels every loop uses instead of pools, or {@code null} (a test's). */
    private final UpstreamChannels shared;

    /** Pools for every loop of {@code group} and a target for every configured provider. */
    public UpstreamConnections(EventLoopGroup group, NetworkTransport transport,
                               Map<Provider, ProviderSettings> settings) throws SSLException {
        int endpoints = targets(settings);
        for (EventExecutor executor : group) {
            pools.put(executor, new UpstreamPool((EventLoop) executor, transport, endpoints));
        }
        this.shared = null;
    }

    private UpstreamConnections(Map<Provider, ProviderSettings> settings, UpstreamChannels channels)
            throws SSLException {
        targets(settings);
        this.shared = channels;
    }

    /** The configured targets with every connection taken from {@code channels}, whatever the loop (tests). */
    public static UpstreamConnections over(Map<Provider, ProviderSettings> settings, UpstreamChannels channels)
            throws SSLException {
        return new UpstreamConnections(settings, channels);
    }

    /** Builds each provider's targets; returns how many endpoints they have in all. */
    private int targets(Map<Provider, ProviderSettings> settings) throws SSLException {
        int index = 0;
        for (ProviderSettings provider : settings.values()) {
            List<UpstreamTarget> targets = new ArrayList<>();
            KeyPool providerKeys = keyPool(provider.apiKeys(), provider.circuit());
            targets.add(new UpstreamTarget(0, endpoint(index++, provider.baseUrl(), provider), providerKeys,
                    new CircuitBreaker(provider.circuit())));
            for (FailoverTarget failover : provider.failover()) {
                KeyPool keys = failover.apiKeys() == null ? providerKeys : keyPool(failover.apiKeys(), provider.circuit());
                targets.add(new UpstreamTarget(targets.size(), endpoint(index++, failover.baseUrl(), provider), keys,
                        new CircuitBreaker(provider.circuit())));
            }
            providers.put(provider.provider(), new ProviderUpstream(provider, targets));
        }
        return index;
    }

    private static UpstreamEndpoint endpoint(int index, URI baseUrl, ProviderSettings provider) throws SSLException {
        return new UpstreamEndpoint(index, baseUrl, "https".equalsIgnoreCase(baseUrl.getScheme())
                ? UpstreamTls.clientContext(provider.caFile()) : null, provider.tlsServerName());
    }

    /** A pool of {@code keys}, each known by the id of its digest: the key itself is never shown. */
    private static KeyPool keyPool(List<String> keys, CircuitSettings circuit) {
        List<String> ids = new ArrayList<>();
        for (String key : keys) {
            ids.add(KeyDigest.keyId(KeyDigest.current().sha256(key)));
        }
        return new KeyPool(keys, ids, circuit);
    }

    /** Every provider's targets, for metrics. */
    public Map<Provider, ProviderUpstream> providers() {
        return providers;
    }

    /** The target for {@code provider}, or {@code null} when it is not configured. */
    public ProviderUpstream provider(Provider provider) {
        return providers.get(provider);
    }

    /** The connections of the given event loop: its pool. */
    public UpstreamChannels channels(EventExecutor loop) {
        if (shared != null) {
            return shared;
        }
        UpstreamChannels pool = pools.get(loop);
        if (pool == null) {
            throw new IllegalStateException("no upstream pool for " + loop + ": not one of the gateway's loops");
        }
        return pool;
    }

    /** Adds the response relay as the last handler of a new upstream connection's pipeline. */
    public static void installRelay(Channel channel) {
        channel.pipeline().addLast(RELAY, new UpstreamRelay());
    }

    /** Routes the next response on {@code channel} to {@code listener}. */
    public static void bind(Channel channel, UpstreamListener listener) {
        relay(channel).bind(listener);
    }

    /** Detaches the listener, e.g. before closing a connection whose exchange was abandoned. */
    public static void unbind(Channel channel) {
        UpstreamRelay relay = relayOrNull(channel);
        if (relay != null) {
            relay.unbind();
        }
    }

    /** True when the connection came from the pool rather than a fresh connect. */
    public static boolean wasReused(Channel channel) {
        return Boolean.TRUE.equals(channel.attr(REUSED).get());
    }

    static UpstreamRelay relay(Channel channel) {
        UpstreamRelay relay = relayOrNull(channel);
        if (relay == null) {
            throw new IllegalStateException("not an upstream connection: " + channel);
        }
        return relay;
    }

    private static UpstreamRelay relayOrNull(Channel channel) {
        return (UpstreamRelay) channel.pipeline().get(RELAY);
    }
}
