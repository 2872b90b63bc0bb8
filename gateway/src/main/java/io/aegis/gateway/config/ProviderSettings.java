package io.aegis.gateway.config;

import io.aegis.wire.Provider;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * How to reach one provider.
 *
 * @param provider    which provider
 * @param baseUrl     scheme, host, port and an optional path prefix
 * @param apiKeys     provider keys read from the environment (never printed); may be empty; several
 *                    make a key pool
 * @param apiKeySource where the keys come from, for messages: env names or "config"
 * @param timeouts    upstream time limits
 * @param retries     retry limits and backoff
 * @param circuit     when a target's or a key's circuit opens
 * @param hedge       hedging for every route, or {@code null} (off, the default)
 * @param failover    further targets tried in order when retries run out or a circuit is open
 * @param routes      per-route overrides, first match wins
 * @param caFile      a PEM file of trusted CAs for TLS, or {@code null} for the JDK's trust store
 * @param tlsServerName the name sent as SNI and checked against the certificate, when it differs
 *                    from the base URL's host (as nginx's {@code proxy_ssl_name}), or {@code null}
 */
public record ProviderSettings(
        Provider provider,
        URI baseUrl,
        List<String> apiKeys,
        String apiKeySource,
        Timeouts timeouts,
        RetrySettings retries,
        CircuitSettings circuit,
        HedgeSettings hedge,
        List<FailoverTarget> failover,
        List<RouteSettings> routes,
        Path caFile,
        String tlsServerName) {

    @Override
    public String toString() {
        // Keys stay out of every rendering of the settings.
        return "ProviderSettings[" + provider.configName() + " " + baseUrl + ", keys from " + apiKeySource + "]";
    }
}
