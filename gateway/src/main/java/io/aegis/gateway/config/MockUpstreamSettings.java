package io.aegis.gateway.config;

/**
 * An in-process mock upstream, started with the gateway (the demo config uses it).
 *
 * @param listen       where it listens
 * @param latencyMs    delay before the first byte of every response
 * @param chunkDelayMs delay between streamed chunks
 * @param faults       a fault spec as for {@code aegis mock-upstream --faults}, or empty
 */
public record MockUpstreamSettings(ListenAddress listen, long latencyMs, long chunkDelayMs, String faults) {
}
