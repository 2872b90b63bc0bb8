package io.aegis.trace.drain;

import io.aegis.trace.TraceEvent;
import io.aegis.trace.TraceField;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * OTLP/HTTP export for the drainer: sampled events as GenAI spans, and metrics
 * ({@code gen_ai.client.token.usage}, {@code gen_ai.client.operation.duration}, and the Aegis
 * totals {@code aegis.requests}, {@code aegis.cost}, {@code aegis.upstream.retries} and
 * {@code aegis.upstream.hedges}). Which events become spans is
 * {@link Sampling}'s call (errors and denials always). Spans wait in a bounded buffer for a thread of their own to
 * send; when the collector is down the drainer keeps draining and the spans that do not fit are
 * counted as dropped.
 */
public final class OtlpExport implements AutoCloseable {
    private static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
    private static final AttributeKey<String> TENANT = AttributeKey.stringKey("aegis.tenant");
    private static final int BATCH = 512;

    private final OtlpHttpSpanExporter spanExporter;
    private final SdkMeterProvider meterProvider;
    private final ArrayBlockingQueue<SpanData> buffer;
    /** Replaced whole by the control API; read once per event. */
    private volatile Sampling sampling;
    private final Resource resource = Resource.getDefault().merge(Resource.create(
            Attributes.of(AttributeKey.stringKey("service.name"), "aegis-gateway")));
    private final InstrumentationScopeInfo scope = InstrumentationScopeInfo.create("io.aegis.trace");
    private final DoubleHistogram duration;
    private final LongHistogram tokens;
    private final TextKeyedMap<Attributes[]> attributes = new TextKeyedMap<>();
    private final StringBuilder probe = new StringBuilder(128);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong exported = new AtomicLong();
    private final Thread sender;
    private volatile boolean running = true;
    private volatile List<Series> published = List.of();

    /**
     * @param endpoint      the collector's base URL ({@code http://127.0.0.1:4318})
     * @param bufferedSpans how many spans may wait for the collector
     */
    public OtlpExport(String endpoint, Sampling sampling, int bufferedSpans, Duration metricInterval) {
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.spanExporter = OtlpHttpSpanExporter.builder().setEndpoint(base + "/v1/traces").build();
        this.meterProvider = SdkMeterProvider.builder().setResource(resource)
                .registerMetricReader(PeriodicMetricReader.builder(
                        OtlpHttpMetricExporter.builder().setEndpoint(base + "/v1/metrics").build())
                        .setInterval(metricInterval).build())
                .build();
        this.buffer = new ArrayBlockingQueue<>(bufferedSpans);
        this.sampling = sampling;
        Meter meter = meterProvider.get("io.aegis.trace");
        this.duration = meter.histogramBuilder("gen_ai.client.operation.duration").setUnit("s")
                .setDescription("GenAI operation duration, end to end through the gateway").build();
        this.tokens = meter.histogramBuilder("gen_ai.client.token.usage").ofLongs().setUnit("{token}")
                .setDescription("Tokens per operation, by gen_ai.token.type").build();
        meter.counterBuilder("aegis.requests").setUnit("{request}").buildWithCallback(measurement -> {
            for (Series s : published) {
                measurement.record(s.counts[Series.REQUESTS], attributes(s)[0]);
            }
        });
        meter.counterBuilder("aegis.cost").ofDoubles().setUnit("USD").buildWithCallback(measurement -> {
            for (Series s : published) {
                measurement.record(s.counts[Series.COST_NANOS] / 1e9, attributes(s)[0]);
            }
        });
        meter.counterBuilder("aegis.upstream.retries").setUnit("{retry}")
                .setDescription("Upstream retries, failover to another target included").buildWithCallback(measurement -> {
                    for (Series s : published) {
                        measurement.record(s.counts[Series.RETRIES], attributes(s)[0]);
                    }
                });
        meter.counterBuilder("aegis.upstream.hedges").setUnit("{request}")
                .setDescription("Requests that sent a hedged second attempt").buildWithCallback(measurement -> {
                    for (Series s : published) {
                        measurement.record(s.counts[Series.HEDGES], attributes(s)[0]);
                    }
                });
        this.sender = new Thread(this::sendLoop, "aegis-otlp-spans");
        sender.setDaemon(true);
        sender.start();
    }

    /** Records one event (on the drainer thread): metrics always, a span when sampled. */
    void record(TraceEvent e) {
        Attributes[] forSeries = attributesFor(e);
        duration.record(e.get(TraceField.TOTAL_NANOS) / 1e9, forSeries[0]);
        tokens.record(e.promptTokens(), forSeries[1]);
        tokens.record(e.get(TraceField.OUTPUT_TOKENS), forSeries[2]);
        if (sampling.keep(e) && !buffer.offer(new EventSpan(e, resource, scope))) {
            dropped.incrementAndGet();
        }
    }

    /** Puts new sampling settings in force for events recorded after this returns. */
    public void sampling(Sampling next) {
        sampling = next;
    }

    /** Publishes totals for the cumulative counters (on the drainer thread, at a checkpoint). */
    void publish(List<Series> snapshot) {
        published = snapshot;
    }

    private Attributes[] attributesFor(TraceEvent e) {
        probe.setLength(0);
        String provider = e.provider() == TraceEvent.Provider.ANTHROPIC ? "anthropic" : "gcp.gemini";
        probe.append(e.text(TraceField.TENANT)).append('\u0000').append(provider).append('\u0000')
                .append(e.effectiveModel()).append('\u0000').append(EventSpan.operation(e));
        Attributes[] cached = attributes.get(probe);
        if (cached == null) {
            String[] parts = probe.toString().split("\u0000", -1);
            Attributes base = Attributes.builder().put(TENANT, parts[0]).put(EventSpan.PROVIDER, parts[1])
                    .put(EventSpan.REQUEST_MODEL, parts[2]).put(EventSpan.OPERATION, parts[3]).build();
            cached = new Attributes[] {base, base.toBuilder().put(TOKEN_TYPE, "input").build(),
                base.toBuilder().put(TOKEN_TYPE, "output").build()};
            attributes.put(probe, cached);
        }
        return cached;
    }

    private Attributes[] attributes(Series s) {
        Attributes base = Attributes.builder().put(TENANT, s.tenant)
                .put(EventSpan.PROVIDER, "anthropic".equals(s.provider) ? "anthropic" : "gcp.gemini")
                .put(EventSpan.REQUEST_MODEL, s.model).build();
        return new Attributes[] {base};
    }

    private void sendLoop() {
        List<SpanData> batch = new ArrayList<>(BATCH);
        while (running || !buffer.isEmpty()) {
            try {
                SpanData first = buffer.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                buffer.drainTo(batch, BATCH - 1);
                CompletableResultCode result = spanExporter.export(batch).join(10, TimeUnit.SECONDS);
                if (result.isSuccess()) {
                    exported.addAndGet(batch.size());
                } else {
                    // The collector is down: these spans are lost; the drainer goes on.
                    dropped.addAndGet(batch.size());
                }
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Spans sent to the collector. */
    public long exportedSpans() {
        return exported.get();
    }

    /** Spans that did not fit in the buffer or that the collector refused. */
    public long droppedSpans() {
        return dropped.get();
    }

    @Override
    public void close() {
        running = false;
        try {
            sender.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        meterProvider.forceFlush().join(10, TimeUnit.SECONDS);
        meterProvider.close();
        spanExporter.close();
    }
}
