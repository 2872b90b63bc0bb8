package io.aegis.gateway.config;

import java.net.URI;
import java.util.List;

/**
 * A further upstream of a provider, tried in order when the one before it has used its retries or
 * has its circuit open.
 *
 * @param baseUrl      where it is
 * @param apiKeys      its own key pool, or {@code null} to share the provider's keys
 * @param apiKeySource where its own keys come from, for messages (never the keys)
 */
public record FailoverTarget(URI baseUrl, List<String> apiKeys, String apiKeySource) {
    @Override
    public String toString() {
        return "FailoverTarget[" + baseUrl + (apiKeys == null ? "" : ", keys from " + apiKeySource) + "]";
    }
}
