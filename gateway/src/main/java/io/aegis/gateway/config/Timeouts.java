package io.aegis.gateway.config;

/**
 * Upstream time limits for one provider.
 *
 * @param connectMs   TCP (and TLS) connect
 * @param firstByteMs from the request written to the first response byte
 * @param idleMs      longest silence between two response chunks
 * @param totalMs     the whole exchange
 */
public record Timeouts(long connectMs, long firstByteMs, long idleMs, long totalMs) {
    public static final Timeouts DEFAULT = new Timeouts(2_000, 60_000, 30_000, 600_000);
}
