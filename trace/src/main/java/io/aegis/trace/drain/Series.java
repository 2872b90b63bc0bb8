package io.aegis.trace.drain;

import java.nio.charset.StandardCharsets;
import org.HdrHistogram.Histogram;

/** The totals of one tenant, provider and model: counts, tokens, cost, and latency distributions. */
final class Series {
    /** Microseconds, up to an hour, three significant digits. */
    static final long HIGHEST_MICROS = 3_600_000_000L;

    final String tenant;
    final String provider;
    final String model;
    /** The same keys as UTF-8 and the provider's ordinal, for probing with an event's bytes. */
    final byte[] tenantUtf8;
    final int providerOrdinal;
    final byte[] modelUtf8;
    long requests;
    long errors;
    long denied;
    long inputTokens;
    long outputTokens;
    long cacheReadTokens;
    long cacheWriteTokens;
    long costNanos;
    /** Upstream retries (failover included), hedges sent, hedges that won, requests that met an open circuit. */
    long retries;
    long hedges;
    long hedgesWon;
    long circuitOpen;
    final Histogram totalMicros;
    final Histogram overheadMicros;

    Series(String tenant, String provider, String model) {
        this(tenant, provider, model, new Histogram(HIGHEST_MICROS, 3), new Histogram(HIGHEST_MICROS, 3));
    }

    Series(String tenant, String provider, String model, Histogram totalMicros, Histogram overheadMicros) {
        this.tenant = tenant;
        this.provider = provider;
        this.model = model;
        this.tenantUtf8 = tenant.getBytes(StandardCharsets.UTF_8);
        this.providerOrdinal = "anthropic".equals(provider) ? 0 : 1;
        this.modelUtf8 = model.getBytes(StandardCharsets.UTF_8);
        this.totalMicros = totalMicros;
        this.overheadMicros = overheadMicros;
    }
}
