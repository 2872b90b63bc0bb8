package io.aegis.trace.drain;

import org.HdrHistogram.Histogram;

/** The totals of one tenant, provider and model: counts, tokens, cost, and latency distributions. */
final class Series {
    /** Microseconds, up to an hour, three significant digits. */
    static final long HIGHEST_MICROS = 3_600_000_000L;

    final String tenant;
    final String provider;
    final String model;
    long requests;
    long errors;
    long denied;
    long inputTokens;
    long outputTokens;
    long cacheReadTokens;
    long cacheWriteTokens;
    long costNanos;
    final Histogram totalMicros;
    final Histogram overheadMicros;

    Series(String tenant, String provider, String model) {
        this(tenant, provider, model, new Histogram(HIGHEST_MICROS, 3), new Histogram(HIGHEST_MICROS, 3));
    }

    Series(String tenant, String provider, String model, Histogram totalMicros, Histogram overheadMicros) {
        this.tenant = tenant;
        this.provider = provider;
        this.model = model;
        this.totalMicros = totalMicros;
        this.overheadMicros = overheadMicros;
    }
}
