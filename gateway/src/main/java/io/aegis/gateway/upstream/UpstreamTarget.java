package io.aegis.gateway.upstream;

import io.aegis.gateway.resilience.CircuitBreaker;
import io.aegis.gateway.resilience.FirstByteTimes;
import io.aegis.gateway.resilience.KeyPool;

/**
 * One place a provider's requests can go: an endpoint, the key pool used there, the endpoint's
 * circuit breaker and its recent times to first byte. Index 0 is the provider's {@code base_url};
 * the failover targets follow in config order.
 */
public final class UpstreamTarget {
    private final int index;
    private final UpstreamEndpoint endpoint;
    private final KeyPool keys;
    private final CircuitBreaker breaker;
    private final FirstByteTimes firstByteTimes = new FirstByteTimes();

    UpstreamTarget(int index, UpstreamEndpoint endpoint, KeyPool keys, CircuitBreaker breaker) {
        this.index = index;
        this.endpoint = endpoint;
        this.keys = keys;
        this.breaker = breaker;
    }

    /** 0 for the base URL, then 1, 2… for the failover targets. */
    public int index() {
        return index;
    }

    public UpstreamEndpoint endpoint() {
        return endpoint;
    }

    public KeyPool keys() {
        return keys;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public FirstByteTimes firstByteTimes() {
        return firstByteTimes;
    }
}
