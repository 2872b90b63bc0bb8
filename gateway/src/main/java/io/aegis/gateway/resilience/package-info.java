/**
 * Upstream resilience shared by every event loop: circuit breakers, provider key pools, the global
 * retry budget, backoff, the upstream's own retry advice, and first-byte times for hedging. Each is
 * lock-free (atomics only), so loops never wait on one another.
 */
package io.aegis.gateway.resilience;
