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
    /**
     * The counters, indexed by the constants below; their order is the checkpoint's. Kept in one array
     * so that a copy, a checkpoint write and its read each name no counter (a new one is a constant and
     * a checkpoint version).
     */
    static final int REQUESTS = 0;
    static final int ERRORS = 1;
    static final int DENIED = 2;
    static final int INPUT_TOKENS = 3;
    static final int OUTPUT_TOKENS = 4;
    static final int CACHE_READ_TOKENS = 5;
    static final int CACHE_WRITE_TOKENS = 6;
    static final int COST_NANOS = 7;
    /** Upstream retries (failover included), hedges sent, hedges that won, requests that met an open circuit. */
    static final int RETRIES = 8;
    static final int HEDGES = 9;
    static final int HEDGES_WON = 10;
    static final int CIRCUIT_OPEN = 11;
    static final int COUNTERS = 12;
    /** How many counters checkpoints before version 4 held (no upstream ones). */
    static final int COUNTERS_BEFORE_V4 = 8;

    final long[] counts = new long[COUNTERS];
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
