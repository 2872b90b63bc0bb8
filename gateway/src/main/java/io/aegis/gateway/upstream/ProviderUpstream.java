package io.aegis.gateway.upstream;

import io.aegis.gateway.config.ProviderSettings;
import io.aegis.gateway.config.RouteSettings;
import io.aegis.gateway.resilience.RetryBudget;
import io.aegis.wire.Provider;
import java.util.List;

/**
 * Everything needed to send a request to one provider: its targets in failover order (each with its
 * keys and circuit breaker), the per-route policies, and the provider-wide retry budget.
 */
public final class ProviderUpstream {
    private final Provider provider;
    private final List<UpstreamTarget> targets;
    private final String apiKeySource;
    private final RoutePolicy defaultPolicy;
    private final List<RouteSettings> routes;
    private final RoutePolicy[] routePolicies;
    private final RetryBudget retryBudget;

    ProviderUpstream(ProviderSettings settings, List<UpstreamTarget> targets) {
        this.provider = settings.provider();
        this.targets = List.copyOf(targets);
        this.apiKeySource = settings.apiKeySource();
        this.defaultPolicy = new RoutePolicy(settings.timeouts(), settings.retries(), settings.hedge());
        this.routes = settings.routes();
        this.routePolicies = new RoutePolicy[routes.size()];
        for (int i = 0; i < routes.size(); i++) {
            RouteSettings route = routes.get(i);
            routePolicies[i] = new RoutePolicy(route.timeouts(),
                    route.maxAttempts() > 0 ? settings.retries().withMaxAttempts(route.maxAttempts()) : settings.retries(),
                    route.hedge() != null ? route.hedge() : settings.hedge());
        }
        this.retryBudget = new RetryBudget(settings.retries());
    }

    public Provider provider() {
        return provider;
    }

    /** The targets in the order they are tried; the first is the provider's {@code base_url}. */
    public List<UpstreamTarget> targets() {
        return targets;
    }

    /** The policy of the first route matching {@code model} and {@code stream}, else the provider's. */
    public RoutePolicy policy(String model, boolean stream) {
        for (int i = 0; i < routePolicies.length; i++) {
            if (routes.get(i).matches(model, stream)) {
                return routePolicies[i];
            }
        }
        return defaultPolicy;
    }

    public RetryBudget retryBudget() {
        return retryBudget;
    }

    /** Whether any target has a key (virtual mode needs one). */
    public boolean hasKeys() {
        for (UpstreamTarget target : targets) {
            if (target.keys().size() > 0) {
                return true;
            }
        }
        return false;
    }

    /** Where the keys should come from, for the error a caller sees when there are none. */
    public String apiKeySource() {
        return apiKeySource;
    }
}
