package io.aegis.gateway.upstream;

import io.aegis.gateway.config.ProviderSettings;
import io.aegis.gateway.config.Timeouts;
import io.aegis.gateway.route.Provider;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Everything needed to send a request to one provider: endpoint, keys and time limits. */
public final class ProviderUpstream {
    private final Provider provider;
    private final UpstreamEndpoint endpoint;
    private final List<String> apiKeys;
    private final String apiKeySource;
    private final Timeouts timeouts;
    private final AtomicInteger nextKey = new AtomicInteger();

    ProviderUpstream(ProviderSettings settings, UpstreamEndpoint endpoint) {
        this.provider = settings.provider();
        this.endpoint = endpoint;
        this.apiKeys = settings.apiKeys();
        this.apiKeySource = settings.apiKeySource();
        this.timeouts = settings.timeouts();
    }

    public Provider provider() {
        return provider;
    }

    public UpstreamEndpoint endpoint() {
        return endpoint;
    }

    public Timeouts timeouts() {
        return timeouts;
    }

    /** The next provider key of the pool (round robin), or {@code null} when none is configured. */
    public String nextApiKey() {
        int size = apiKeys.size();
        if (size == 0) {
            return null;
        }
        return apiKeys.get(size == 1 ? 0 : Math.floorMod(nextKey.getAndIncrement(), size));
    }

    /** Where the keys should come from, for the error a caller sees when there are none. */
    public String apiKeySource() {
        return apiKeySource;
    }
}
