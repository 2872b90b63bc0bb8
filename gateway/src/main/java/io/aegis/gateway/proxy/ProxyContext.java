package io.aegis.gateway.proxy;

import io.aegis.gateway.auth.CallerAuthenticator;
import io.aegis.gateway.request.RequestBodyParser;
import io.aegis.gateway.upstream.UpstreamConnections;

/**
 * What every connection of the gateway shares: read-mostly services built at start-up.
 *
 * @param authenticator   caller authentication
 * @param parser          the request body parser
 * @param upstreams       pools and provider targets
 * @param listener        told about every finished exchange
 * @param maxRequestBytes the body limit
 */
public record ProxyContext(
        CallerAuthenticator authenticator,
        RequestBodyParser parser,
        UpstreamConnections upstreams,
        ExchangeListener listener,
        int maxRequestBytes) {
}
