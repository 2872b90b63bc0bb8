package io.aegis.gateway.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Finished requests as the dashboard counts them: per tenant and model (and so per provider), the
 * requests, errors, refusals by the gateway's own limits and budgets, 429s from the provider and
 * output tokens;
 * and the total latency, the gateway's overhead, the time to the answer's first byte and (streams)
 * to its first token, in
 * recorders the dashboard reads a second at a time. Event loops record with striped adders and
 * wait-free recorders: no lock, and no allocation once a series exists.
 */
public final class TrafficBoard {
    /** Models counted apart per tenant; beyond this (callers choose model names) they count as {@code other}. */
    static final int MAX_MODELS_PER_TENANT = 64;
    static final String NO_TENANT = "(none)";
    static final String OTHER_MODEL = "other";

    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Series>> byTenant = new ConcurrentHashMap<>();
    private final Recorder totalMicros = new Recorder(3);
    private final Recorder overheadMicros = new Recorder(3);
    private final Recorder firstByteMicros = new Recorder(3);
    private final Recorder firstTokenMicros = new Recorder(3);

    /** One tenant's traffic to one model. */
    private static final class Series {
        final String provider;
        final LongAdder requests = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder rateLimited = new LongAdder();
        final LongAdder budgetRefused = new LongAdder();
        final LongAdder providerRateLimited = new LongAdder();
        final LongAdder outputTokens = new LongAdder();

        Series(String provider) {
            this.provider = provider == null ? "-" : provider;
        }
    }

    /**
     * Counts one finished request.
     *
     * @param tenant              its tenant, or {@code null} before one was known
     * @param provider            the provider's config name ({@code anthropic}, {@code gemini}), or {@code null}
     * @param model               the model asked for, or {@code null}
     * @param failed              whether it ended in an error
     * @param rateLimited         refused by a per-minute limit of the gateway's
     * @param budgetRefused       refused by a budget
     * @param providerRateLimited attempts the provider answered with 429
     * @param outputTokens        the answer's output tokens as the provider counted them
     * @param totalNanos          its whole time in the gateway
     * @param overheadNanos       the gateway's own time before the upstream call
     * @param firstByteNanos      time to the answer's first byte, or negative when none came
     * @param firstTokenNanos     time to a streamed answer's first content, or negative when none came
     */
    public void record(String tenant, String provider, String model, boolean failed, boolean rateLimited,
                       boolean budgetRefused, int providerRateLimited, long outputTokens, long totalNanos,
                       long overheadNanos, long firstByteNanos, long firstTokenNanos) {
        Series series = series(tenant == null ? NO_TENANT : tenant, provider, model == null ? OTHER_MODEL : model);
        series.requests.increment();
        if (failed) {
            series.errors.increment();
        }
        if (rateLimited) {
            series.rateLimited.increment();
        }
        if (budgetRefused) {
            series.budgetRefused.increment();
        }
        if (providerRateLimited > 0) {
            series.providerRateLimited.add(providerRateLimited);
        }
        if (outputTokens > 0) {
            series.outputTokens.add(outputTokens);
        }
        totalMicros.recordValue(Math.max(0, totalNanos / 1_000));
        overheadMicros.recordValue(Math.max(0, overheadNanos / 1_000));
        if (firstByteNanos >= 0) {
            firstByteMicros.recordValue(firstByteNanos / 1_000);
        }
        if (firstTokenNanos >= 0) {
            firstTokenMicros.recordValue(firstTokenNanos / 1_000);
        }
    }

    private Series series(String tenant, String provider, String model) {
        ConcurrentHashMap<String, Series> models = byTenant.get(tenant);
        if (models == null) {
            models = byTenant.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>());
        }
        Series series = models.get(model);
        if (series == null) {
            String counted = models.size() >= MAX_MODELS_PER_TENANT ? OTHER_MODEL : model;
            series = models.computeIfAbsent(counted, m -> new Series(provider));
        }
        return series;
    }

    /** What a reader is shown of one series: its counters now. */
    public interface SeriesVisitor {
        void series(String tenant, String provider, String model, long requests, long errors, long rateLimited,
                    long budgetRefused, long providerRateLimited, long outputTokens);
    }

    /** Every series so far, sorted by tenant, then model (on the control API's threads). */
    public void forEachSeries(SeriesVisitor visitor) {
        new java.util.TreeMap<>(byTenant).forEach((tenant, models) -> new java.util.TreeMap<>(models).forEach(
                (model, s) -> visitor.series(tenant, s.provider, model, s.requests.sum(), s.errors.sum(),
                        s.rateLimited.sum(), s.budgetRefused.sum(), s.providerRateLimited.sum(), s.outputTokens.sum())));
    }

    /**
     * The latencies recorded since the last call, {total, overhead, first byte, first token} in microseconds, moved
     * into {@code recycle} when given (one reader at a time: the dashboard's, under its lock).
     */
    public Histogram[] takeInterval(Histogram[] recycle) {
        return new Histogram[] {
            totalMicros.getIntervalHistogram(recycle == null ? null : recycle[0]),
            overheadMicros.getIntervalHistogram(recycle == null ? null : recycle[1]),
            firstByteMicros.getIntervalHistogram(recycle == null ? null : recycle[2]),
            firstTokenMicros.getIntervalHistogram(recycle == null ? null : recycle[3])};
    }
}
