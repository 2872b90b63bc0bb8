package io.aegis.gateway.config;

import io.aegis.gateway.route.Provider;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * How to reach one provider.
 *
 * @param provider    which provider
 * @param baseUrl     scheme, host, port and an optional path prefix
 * @param apiKeys     provider keys read from the environment (never printed); may be empty
 * @param apiKeySource where the keys come from, for messages: env names or "config"
 * @param timeouts    upstream time limits
 * @param maxAttempts attempts per request, retries included
 * @param failover    further base URLs tried in order when retries run out
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
        int maxAttempts,
        List<URI> failover,
        Path caFile,
        String tlsServerName) {

    @Override
    public String toString() {
        // Keys stay out of every rendering of the settings.
        return "ProviderSettings[" + provider.configName() + " " + baseUrl + ", keys from " + apiKeySource + "]";
    }
}
