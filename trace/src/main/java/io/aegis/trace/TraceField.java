package io.aegis.trace;

/**
 * Every field of a request's trace event, in the order of its binary layout: the one definition that
 * the writer, the decoder, the in-place view, the JSON and line formats, and {@code aegis tail}'s
 * filter all follow. A field has a wire kind (how it is written), the layout version that added it
 * (older events read it as its default), and the name and shape it has in the JSON form (trace/README.md,
 * Event fields). Adding a field means adding a constant at the end, with the next
 * layout version ({@link TraceEventCodec#VERSION}).
 */
public enum TraceField {
    TIMESTAMP(Kind.LONG, 1, 0, "ts", Json.TIME),
    TRACE_ID(Kind.TEXT, 1, 0, "trace_id", Json.TEXT),
    SPAN_ID(Kind.TEXT, 1, 0, "span_id", Json.TEXT),
    TENANT(Kind.TEXT, 1, 0, "tenant", Json.TEXT),
    KEY_ID(Kind.TEXT, 1, 0, "key_id", Json.TEXT),
    /** 0 Anthropic, 1 Gemini ({@link TraceEvent.Provider}'s order). */
    PROVIDER(Kind.BYTE, 1, 0, "provider", Json.PROVIDER),
    /** The model asked for. */
    MODEL(Kind.TEXT, 1, 0, "model", Json.TEXT),
    /** The model a route rule sent the request to, or empty. */
    ROUTED_MODEL(Kind.TEXT, 1, 0, "routed_model", Json.TEXT_OR_NULL),
    PATH(Kind.TEXT, 1, 0, "path", Json.TEXT),
    STREAM(Kind.BOOL, 1, 0, "stream", Json.BOOL),
    STATUS(Kind.SHORT, 1, 0, "status", Json.NUMBER),
    /** Whether the request was denied (by a rule, or by PII policy); shown as {@code decision}. */
    DENIED(Kind.BOOL, 1, 0, "decision", Json.DECISION),
    /** The rule that allowed or denied, or empty. */
    RULE(Kind.TEXT, 1, 0, "rule", Json.TEXT_OR_NULL),
    /** {@link Outcome}'s ordinal. */
    OUTCOME(Kind.BYTE, 1, 0, "outcome", Json.OUTCOME),
    /** The error class ({@code rule_denied}, {@code upstream_timeout_idle}, ...), or empty. */
    ERROR(Kind.TEXT, 1, 0, "error", Json.TEXT_OR_NULL),
    INPUT_TOKENS(Kind.LONG, 1, 0, "input_tokens", Json.NUMBER),
    OUTPUT_TOKENS(Kind.LONG, 1, 0, "output_tokens", Json.NUMBER),
    CACHE_READ_TOKENS(Kind.LONG, 1, 0, "cache_read_tokens", Json.NUMBER),
    CACHE_WRITE_TOKENS(Kind.LONG, 1, 0, "cache_write_tokens", Json.NUMBER),
    /** The settled cost, in nano-dollars; shown as {@code cost_usd}. */
    COST_NANOS(Kind.LONG, 1, 0, "cost_usd", Json.USD),
    /** False when the model was priced by the configured default (not in the table). */
    PRICED(Kind.BOOL, 1, 1, "priced", Json.BOOL),
    ATTEMPTS(Kind.INT, 1, 0, "attempts", Json.NUMBER),
    /** The upstream origin that answered, or empty. */
    UPSTREAM(Kind.TEXT, 1, 0, "upstream", Json.TEXT_OR_NULL),
    TOTAL_NANOS(Kind.LONG, 1, 0, "t_total_us", Json.MICROS),
    /** The gateway's own time before it asked for an upstream connection. */
    OVERHEAD_NANOS(Kind.LONG, 1, 0, "t_overhead_us", Json.MICROS),
    /** Time to the first byte of the answer, or -1 when none came. */
    TTFB_NANOS(Kind.LONG, 1, -1, "t_ttfb_us", Json.MICROS_OR_NULL),
    /** The sampling rate a rule asked for, or -1 (raw double bits); not shown. */
    SAMPLE_RATE(Kind.DOUBLE, 1, Double.doubleToRawLongBits(-1), null, Json.NONE),
    /** PII types and counts (never values). */
    PII(Kind.PII_COUNTS, 1, 0, "pii", Json.PII_COUNTS),
    TAGS(Kind.TEXT_LIST, 1, 0, "tags", Json.TEXT_LIST),
    SHADOW_RULES(Kind.TEXT_LIST, 1, 0, "shadow", Json.TEXT_LIST),
    /** The config version whose rules decided the request (0: none). */
    CONFIG_VERSION(Kind.LONG, 2, 0, "config_version", Json.NUMBER),
    /** Attempts that were retries, failover included. */
    RETRIES(Kind.INT, 3, 0, "retries", Json.NUMBER),
    /** {@link TraceEvent#HEDGE_NONE}, {@link TraceEvent#HEDGE_LOST} or {@link TraceEvent#HEDGE_WON}. */
    HEDGE(Kind.BYTE, 3, TraceEvent.HEDGE_NONE, "hedge", Json.HEDGE),
    /** The worst circuit met: closed, half open (a probe), open (a target skipped). */
    CIRCUIT(Kind.BYTE, 3, TraceEvent.CIRCUIT_CLOSED, "circuit", Json.CIRCUIT),
    /** Each upstream attempt as {@code [h]tTARGET/KEYID:RESULT}, space-separated; key ids only. */
    ATTEMPT_LOG(Kind.TEXT, 3, 0, "attempt_log", Json.TEXT),
    /** PII types and counts found in the answer, for tenants whose answers are scanned (never values). */
    PII_RESPONSE(Kind.PII_COUNTS, 4, 0, "pii_response", Json.PII_COUNTS),
    /** The API the caller spoke: {@code anthropic}, {@code gemini} or {@code openai} (empty before layout 5). */
    API(Kind.TEXT, 5, 0, "api", Json.TEXT_OR_NULL);

    /** How a field is written: fixed-width little-endian numbers, or text as a varint length and UTF-8. */
    public enum Kind {
        BOOL(1), BYTE(1), SHORT(2), INT(4), LONG(8), DOUBLE(8),
        TEXT(-1),
        /** A count byte, then each type as text followed by its count as an int. */
        PII_COUNTS(-1),
        /** A count byte, then each item as text. */
        TEXT_LIST(-1);

        /** Bytes of a fixed-width kind, or -1. */
        public final int width;

        Kind(int width) {
            this.width = width;
        }

        public boolean numeric() {
            return width > 0;
        }
    }

    /** The shape of a field in the JSON form and in {@code aegis tail --where}. */
    public enum Json {
        /** Not shown. */
        NONE,
        TEXT,
        /** Text, or {@code null} when empty. */
        TEXT_OR_NULL,
        NUMBER,
        BOOL,
        /** Epoch nanoseconds as an ISO-8601 instant. */
        TIME,
        /** Nanoseconds as whole microseconds. */
        MICROS,
        /** The same, or {@code null} when negative (it never happened). */
        MICROS_OR_NULL,
        /** Nano-dollars as a decimal number of US dollars. */
        USD,
        /** {@code anthropic} or {@code gemini}. */
        PROVIDER,
        /** {@code deny} or {@code allow}. */
        DECISION,
        /** The outcome in lower case. */
        OUTCOME,
        HEDGE,
        CIRCUIT,
        /** A map of type to count. */
        PII_COUNTS,
        /** A list of strings. */
        TEXT_LIST
    }

    /** The fields, in layout order (one shared array: {@link #values()} copies on every call). */
    static final TraceField[] ALL = values();
    /** How many fields there are. */
    public static final int COUNT = ALL.length;

    private final Kind kind;
    private final int since;
    private final long defaultValue;
    private final String jsonName;
    private final Json json;

    TraceField(Kind kind, int since, long defaultValue, String jsonName, Json json) {
        this.kind = kind;
        this.since = since;
        this.defaultValue = defaultValue;
        this.jsonName = jsonName;
        this.json = json;
    }

    public Kind kind() {
        return kind;
    }

    /** The layout version that added this field; an older event holds its default. */
    public int since() {
        return since;
    }

    /** The value of a numeric field in a new event, and in an event written before {@link #since()}. */
    public long defaultValue() {
        return defaultValue;
    }

    /** Its name in the JSON form and in {@code aegis tail --where}, or {@code null} when not shown. */
    public String jsonName() {
        return jsonName;
    }

    public Json json() {
        return json;
    }
}
