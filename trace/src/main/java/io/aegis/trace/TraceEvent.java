package io.aegis.trace;

/**
 * One request's trace event (SPEC §7), as a reusable holder: the gateway fills one per connection
 * and hands it to {@link TraceWriter}; readers decode into one per thread. Strings are held in
 * reusable builders and written length-prefixed, each bounded ({@link #MAX_TEXT} characters), so
 * neither writing nor reading allocates.
 */
public final class TraceEvent {
    /** Longest text field kept; longer values are cut (ids, models and paths are far shorter). */
    public static final int MAX_TEXT = 256;
    /** Most PII types, tags or shadow rules kept per event. */
    public static final int MAX_ITEMS = 32;

    public enum Provider { ANTHROPIC, GEMINI }

    /** Wall-clock time the request was accepted, epoch nanoseconds. */
    public long timestampNanos;
    public final StringBuilder traceId = new StringBuilder(32);
    public final StringBuilder spanId = new StringBuilder(16);
    public final StringBuilder tenant = new StringBuilder();
    public final StringBuilder keyId = new StringBuilder();
    public Provider provider = Provider.ANTHROPIC;
    /** The model asked for. */
    public final StringBuilder model = new StringBuilder();
    /** The model a route rule sent the request to, or empty. */
    public final StringBuilder routedModel = new StringBuilder();
    public final StringBuilder path = new StringBuilder();
    public boolean stream;
    public int status;
    public boolean denied;
    /** The rule that allowed or denied, or empty. */
    public final StringBuilder rule = new StringBuilder();
    public Outcome outcome = Outcome.COMPLETED;
    /** The error class ({@code rule_denied}, {@code upstream_timeout}, ...), or empty. */
    public final StringBuilder error = new StringBuilder();
    public long inputTokens;
    public long outputTokens;
    public long cacheReadTokens;
    public long cacheWriteTokens;
    public long costNanos;
    public boolean pricedKnown = true;
    public int attempts;
    public final StringBuilder upstream = new StringBuilder();
    public long totalNanos;
    public long overheadNanos;
    /** Time to first byte from acceptance, or -1 when no byte came. */
    public long ttfbNanos = -1;
    /** The sampling rate a rule asked for, or -1. */
    public double sampleRate = -1;
    /** The config version whose rules decided the request (0: none, or written before versions existed). */
    public long configVersion;
    /** Attempts that were retries, failover included. */
    public int retries;
    /** Hedging: {@link #HEDGE_NONE}, {@link #HEDGE_LOST} (the first attempt won) or {@link #HEDGE_WON}. */
    public byte hedge;
    /** The worst circuit met: {@link #CIRCUIT_CLOSED}, {@link #CIRCUIT_HALF_OPEN} (a probe) or {@link #CIRCUIT_OPEN} (a target skipped). */
    public byte circuit;
    /** Each upstream attempt as {@code [h]tTARGET/KEYID:RESULT}, space-separated; key ids only. */
    public final StringBuilder attemptLog = new StringBuilder();

    public static final byte HEDGE_NONE = 0;
    public static final byte HEDGE_LOST = 1;
    public static final byte HEDGE_WON = 2;
    public static final byte CIRCUIT_CLOSED = 0;
    public static final byte CIRCUIT_HALF_OPEN = 1;
    public static final byte CIRCUIT_OPEN = 2;

    /** The hedge code as trace output names it: none, lost or won. */
    public static String hedgeName(byte hedge) {
        return hedge == HEDGE_WON ? "won" : hedge == HEDGE_LOST ? "lost" : "none";
    }

    /** The circuit code as trace output names it: closed, half_open or open. */
    public static String circuitName(byte circuit) {
        return circuit == CIRCUIT_OPEN ? "open" : circuit == CIRCUIT_HALF_OPEN ? "half_open" : "closed";
    }

    private final StringBuilder[] piiTypes = builders();
    private final int[] piiCounts = new int[MAX_ITEMS];
    private int piiSize;
    private final StringBuilder[] tags = builders();
    private int tagSize;
    private final StringBuilder[] shadowRules = builders();
    private int shadowSize;

    private static StringBuilder[] builders() {
        StringBuilder[] out = new StringBuilder[MAX_ITEMS];
        for (int i = 0; i < out.length; i++) {
            out[i] = new StringBuilder();
        }
        return out;
    }

    /** Empties every field for the next event. */
    public TraceEvent clear() {
        timestampNanos = 0;
        traceId.setLength(0);
        spanId.setLength(0);
        tenant.setLength(0);
        keyId.setLength(0);
        provider = Provider.ANTHROPIC;
        model.setLength(0);
        routedModel.setLength(0);
        path.setLength(0);
        stream = false;
        status = 0;
        denied = false;
        rule.setLength(0);
        outcome = Outcome.COMPLETED;
        error.setLength(0);
        inputTokens = 0;
        outputTokens = 0;
        cacheReadTokens = 0;
        cacheWriteTokens = 0;
        costNanos = 0;
        pricedKnown = true;
        attempts = 0;
        upstream.setLength(0);
        totalNanos = 0;
        overheadNanos = 0;
        ttfbNanos = -1;
        sampleRate = -1;
        configVersion = 0;
        retries = 0;
        hedge = HEDGE_NONE;
        circuit = CIRCUIT_CLOSED;
        attemptLog.setLength(0);
        piiSize = 0;
        tagSize = 0;
        shadowSize = 0;
        return this;
    }

    /** Sets a text field from {@code value} ({@code null} → empty), cut at {@link #MAX_TEXT}. */
    public static void set(StringBuilder field, CharSequence value) {
        field.setLength(0);
        if (value != null) {
            field.append(value, 0, Math.min(value.length(), MAX_TEXT));
        }
    }

    /** Empties the PII, tag and shadow lists (the decoder overwrites every other field). */
    void resetLists() {
        piiSize = 0;
        tagSize = 0;
        shadowSize = 0;
    }

    /** Records {@code count} findings of a PII type (by name; never a value). */
    public void addPii(CharSequence type, int count) {
        if (piiSize < MAX_ITEMS && count > 0) {
            set(piiTypes[piiSize], type);
            piiCounts[piiSize++] = count;
        }
    }

    public void addTag(CharSequence tag) {
        if (tagSize < MAX_ITEMS) {
            set(tags[tagSize++], tag);
        }
    }

    public void addShadowRule(CharSequence ruleId) {
        if (shadowSize < MAX_ITEMS) {
            set(shadowRules[shadowSize++], ruleId);
        }
    }

    public int piiSize() {
        return piiSize;
    }

    public CharSequence piiType(int i) {
        return piiTypes[i];
    }

    public int piiCount(int i) {
        return piiCounts[i];
    }

    public int tagSize() {
        return tagSize;
    }

    public CharSequence tag(int i) {
        return tags[i];
    }

    public int shadowSize() {
        return shadowSize;
    }

    public CharSequence shadowRule(int i) {
        return shadowRules[i];
    }

    // The codec fills lists directly.
    StringBuilder nextPiiType(int count) {
        piiCounts[piiSize] = count;
        return piiTypes[piiSize++];
    }

    void setLastPiiCount(int count) {
        piiCounts[piiSize - 1] = count;
    }

    StringBuilder nextTag() {
        return tags[tagSize++];
    }

    StringBuilder nextShadowRule() {
        return shadowRules[shadowSize++];
    }
}
