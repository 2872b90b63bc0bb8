package io.aegis.trace.drain;

import io.aegis.trace.TraceEvent;
import io.aegis.trace.TraceField;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.net.URI;
import java.util.List;

/**
 * A trace event as an OpenTelemetry span with the GenAI conventions (trace/README.md): named
 * {@code "{operation} {model}"}, kind CLIENT, with the gateway's own trace and span ids so the
 * caller's trace and this span join up.
 */
final class EventSpan implements SpanData {
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<Long> CACHE_READ = AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
    static final AttributeKey<Long> CACHE_CREATION = AttributeKey.longKey("gen_ai.usage.cache_creation.input_tokens");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> TENANT = AttributeKey.stringKey("aegis.tenant");
    static final AttributeKey<String> DECISION = AttributeKey.stringKey("aegis.decision");
    static final AttributeKey<String> RULE = AttributeKey.stringKey("aegis.rule");
    static final AttributeKey<Double> COST = AttributeKey.doubleKey("aegis.cost_usd");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("aegis.upstream.attempts");
    static final AttributeKey<Long> RETRIES = AttributeKey.longKey("aegis.upstream.retries");
    static final AttributeKey<String> HEDGE = AttributeKey.stringKey("aegis.upstream.hedge");
    static final AttributeKey<String> CIRCUIT = AttributeKey.stringKey("aegis.upstream.circuit");
    static final AttributeKey<String> ATTEMPT_LOG = AttributeKey.stringKey("aegis.upstream.attempt_log");

    private final String name;
    private final SpanContext context;
    private final long start;
    private final long end;
    private final Attributes attributes;
    private final StatusData status;
    private final Resource resource;
    private final InstrumentationScopeInfo scope;

    EventSpan(TraceEvent e, Resource resource, InstrumentationScopeInfo scope) {
        String operation = operation(e);
        String model = e.text(TraceField.MODEL).toString();
        this.name = operation + " " + model;
        this.context = SpanContext.create(e.text(TraceField.TRACE_ID).toString(), e.text(TraceField.SPAN_ID).toString(), TraceFlags.getSampled(),
                TraceState.getDefault());
        this.start = e.get(TraceField.TIMESTAMP);
        this.end = e.get(TraceField.TIMESTAMP) + Math.max(0, e.get(TraceField.TOTAL_NANOS));
        AttributesBuilder attributes = Attributes.builder()
                .put(OPERATION, operation)
                .put(PROVIDER, e.provider() == TraceEvent.Provider.ANTHROPIC ? "anthropic" : "gcp.gemini")
                .put(REQUEST_MODEL, model)
                .put(RESPONSE_MODEL, e.effectiveModel().toString())
                .put(INPUT_TOKENS, e.promptTokens())
                .put(OUTPUT_TOKENS, e.get(TraceField.OUTPUT_TOKENS))
                .put(CACHE_READ, e.get(TraceField.CACHE_READ_TOKENS))
                .put(CACHE_CREATION, e.get(TraceField.CACHE_WRITE_TOKENS))
                .put(TENANT, e.text(TraceField.TENANT).toString())
                .put(DECISION, e.flag(TraceField.DENIED) ? "deny" : "allow")
                .put(STATUS, e.get(TraceField.STATUS))
                .put(COST, e.get(TraceField.COST_NANOS) / 1e9);
        if (e.text(TraceField.RULE).length() > 0) {
            attributes.put(RULE, e.text(TraceField.RULE).toString());
        }
        String host = host(e.text(TraceField.UPSTREAM).toString());
        if (host != null) {
            attributes.put(SERVER_ADDRESS, host);
        }
        // Upstream resilience: only what happened, so a plain first-try request carries just its attempt count.
        attributes.put(ATTEMPTS, e.get(TraceField.ATTEMPTS));
        if (e.get(TraceField.RETRIES) > 0) {
            attributes.put(RETRIES, e.get(TraceField.RETRIES));
        }
        if (e.get(TraceField.HEDGE) != TraceEvent.HEDGE_NONE) {
            attributes.put(HEDGE, TraceEvent.hedgeName((byte) e.get(TraceField.HEDGE)));
        }
        if (e.get(TraceField.CIRCUIT) != TraceEvent.CIRCUIT_CLOSED) {
            attributes.put(CIRCUIT, TraceEvent.circuitName((byte) e.get(TraceField.CIRCUIT)));
        }
        boolean eventful = e.get(TraceField.ATTEMPTS) > 1 || e.get(TraceField.CIRCUIT) != TraceEvent.CIRCUIT_CLOSED;
        if (eventful && e.text(TraceField.ATTEMPT_LOG).length() > 0) {
            attributes.put(ATTEMPT_LOG, e.text(TraceField.ATTEMPT_LOG).toString()); // target indexes and key ids, never a key
        }
        boolean failed = e.failed();
        if (failed) {
            attributes.put(ERROR_TYPE, e.text(TraceField.ERROR).length() > 0 ? e.text(TraceField.ERROR).toString() : Long.toString(e.get(TraceField.STATUS)));
        }
        this.attributes = attributes.build();
        this.status = failed ? StatusData.error() : StatusData.unset();
        this.resource = resource;
        this.scope = scope;
    }

    /** The GenAI operation name from the provider path. */
    static String operation(TraceEvent e) {
        String path = e.text(TraceField.PATH).toString();
        if (path.contains("count_tokens") || path.contains(":countTokens")) {
            return "count_tokens";
        }
        if (path.contains("embedContent") || path.contains("batchEmbedContents")) {
            return "embeddings";
        }
        return e.provider() == TraceEvent.Provider.GEMINI ? "generate_content" : "chat";
    }

    private static String host(String upstream) {
        if (upstream.isEmpty()) {
            return null;
        }
        try {
            return URI.create(upstream).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public SpanKind getKind() {
        return SpanKind.CLIENT;
    }

    @Override
    public SpanContext getSpanContext() {
        return context;
    }

    @Override
    public SpanContext getParentSpanContext() {
        return SpanContext.getInvalid();
    }

    @Override
    public StatusData getStatus() {
        return status;
    }

    @Override
    public long getStartEpochNanos() {
        return start;
    }

    @Override
    public Attributes getAttributes() {
        return attributes;
    }

    @Override
    public List<EventData> getEvents() {
        return List.of();
    }

    @Override
    public List<LinkData> getLinks() {
        return List.of();
    }

    @Override
    public long getEndEpochNanos() {
        return end;
    }

    @Override
    public boolean hasEnded() {
        return true;
    }

    @Override
    public int getTotalRecordedEvents() {
        return 0;
    }

    @Override
    public int getTotalRecordedLinks() {
        return 0;
    }

    @Override
    public int getTotalAttributeCount() {
        return attributes.size();
    }

    @Override
    @SuppressWarnings("deprecation")
    public io.opentelemetry.sdk.common.InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
        return io.opentelemetry.sdk.common.InstrumentationLibraryInfo.create(scope.getName(), scope.getVersion());
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return scope;
    }

    @Override
    public Resource getResource() {
        return resource;
    }
}
