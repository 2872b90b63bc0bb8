package io.aegis.gateway.upstream;

import io.aegis.gateway.config.HedgeSettings;
import io.aegis.gateway.config.RetrySettings;
import io.aegis.gateway.config.Timeouts;

/**
 * The time limits, retries and hedging that apply to one request, resolved once per route at start
 * so that a request only picks a prepared policy.
 *
 * @param timeouts time limits
 * @param retries  retry limits and backoff
 * @param hedge    hedging, or {@code null} when off
 */
public record RoutePolicy(Timeouts timeouts, RetrySettings retries, HedgeSettings hedge) {
}
