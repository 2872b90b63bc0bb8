package io.aegis.trace;

/**
 * One request's trace event as a reusable holder: the gateway fills one per connection and hands it
 * to {@link TraceWriter}; readers decode into one per thread. Values are held by {@link TraceField}:
 * numbers (booleans as 0 or 1, enums as their codes, the sample rate as raw double bits) in one
 * array, text in reusable builders, each bounded ({@link #MAX_TEXT} characters), so neither writing
 * nor reading allocates. PII types with counts, tags and shadow rules are bounded lists.
 */
public final class TraceEvent {
    /** Longest text field kept; longer values are cut (ids, models and paths are far shorter). */
    public static final int MAX_TEXT = 256;
    /** Most PII types, tags or shadow rules kept per event. */
    public static final int MAX_ITEMS = 32;

    /** The {@link TraceField#PROVIDER} codes, in order. */
    public enum Provider { ANTHROPIC, GEMINI }

    public static final byte HEDGE_NONE = 0;
    public static final byte HEDGE_LOST = 1;
    public static final byte HEDGE_WON = 2;
    public static final byte CIRCUIT_CLOSED = 0;
    public static final byte CIRCUIT_HALF_OPEN = 1;
    public static final byte CIRCUIT_OPEN = 2;

    private static final Provider[] PROVIDERS = Provider.values();
    private static final Outcome[] OUTCOMES = Outcome.values();

    private final long[] numbers = new long[TraceField.COUNT];
    private final StringBuilder[] texts = new StringBuilder[TraceField.COUNT];
    /** Per {@link TraceField.Kind#PII_COUNTS} field ({@link TraceField#PII}, {@link TraceField#PII_RESPONSE}). */
    private final StringBuilder[][] countTypes = {builders(), builders()};
    private final int[][] counts = new int[2][MAX_ITEMS];
    private final int[] countSizes = new int[2];
    private final StringBuilder[] tags = builders();
    private int tagSize;
    private final StringBuilder[] shadowRules = builders();
    private int shadowSize;

    public TraceEvent() {
        for (TraceField field : TraceField.ALL) {
            if (field.kind() == TraceField.Kind.TEXT) {
                texts[field.ordinal()] = new StringBuilder();
            }
        }
        clear();
    }

    /** The hedge code as trace output names it: none, lost or won. */
    public static String hedgeName(byte hedge) {
        return hedge == HEDGE_WON ? "won" : hedge == HEDGE_LOST ? "lost" : "none";
    }

    /** The circuit code as trace output names it: closed, half_open or open. */
    public static String circuitName(byte circuit) {
        return circuit == CIRCUIT_OPEN ? "open" : circuit == CIRCUIT_HALF_OPEN ? "half_open" : "closed";
    }

    private static StringBuilder[] builders() {
        StringBuilder[] out = new StringBuilder[MAX_ITEMS];
        for (int i = 0; i < out.length; i++) {
            out[i] = new StringBuilder();
        }
        return out;
    }

    /** Sets every field to its default, for the next event. */
    public TraceEvent clear() {
        for (TraceField field : TraceField.ALL) {
            int i = field.ordinal();
            numbers[i] = field.defaultValue();
            if (texts[i] != null) {
                texts[i].setLength(0);
            }
        }
        countSizes[0] = 0;
        countSizes[1] = 0;
        tagSize = 0;
        shadowSize = 0;
        return this;
    }

    /** A numeric field's value (a boolean as 0 or 1, an enum as its code). */
    public long get(TraceField field) {
        return numbers[field.ordinal()];
    }

    public TraceEvent set(TraceField field, long value) {
        numbers[field.ordinal()] = value;
        return this;
    }

    public boolean flag(TraceField field) {
        return numbers[field.ordinal()] != 0;
    }

    public TraceEvent set(TraceField field, boolean value) {
        numbers[field.ordinal()] = value ? 1 : 0;
        return this;
    }

    public double decimal(TraceField field) {
        return Double.longBitsToDouble(numbers[field.ordinal()]);
    }

    public TraceEvent set(TraceField field, double value) {
        numbers[field.ordinal()] = Double.doubleToRawLongBits(value);
        return this;
    }

    /** A text field's value, to read (or to fill through {@link #set(TraceField, CharSequence)}). */
    public CharSequence text(TraceField field) {
        return texts[field.ordinal()];
    }

    /** Sets a text field from {@code value} ({@code null}: empty), cut at {@link #MAX_TEXT}. */
    public TraceEvent set(TraceField field, CharSequence value) {
        set(texts[field.ordinal()], value);
        return this;
    }

    public Provider provider() {
        return PROVIDERS[(int) numbers[TraceField.PROVIDER.ordinal()]];
    }

    public TraceEvent provider(Provider provider) {
        numbers[TraceField.PROVIDER.ordinal()] = provider.ordinal();
        return this;
    }

    public Outcome outcome() {
        return OUTCOMES[(int) numbers[TraceField.OUTCOME.ordinal()]];
    }

    public TraceEvent outcome(Outcome outcome) {
        numbers[TraceField.OUTCOME.ordinal()] = outcome.ordinal();
        return this;
    }

    /** The model that answered: the routed one when a rule routed, else the one asked for. */
    public CharSequence effectiveModel() {
        CharSequence routed = text(TraceField.ROUTED_MODEL);
        return routed.length() > 0 ? routed : text(TraceField.MODEL);
    }

    /** Whether the request failed: an error status, or an error class named. */
    public boolean failed() {
        return get(TraceField.STATUS) >= 400 || text(TraceField.ERROR).length() > 0;
    }

    /** Every token of the prompt the provider billed: input, cache reads and cache writes. */
    public long promptTokens() {
        return get(TraceField.INPUT_TOKENS) + get(TraceField.CACHE_READ_TOKENS) + get(TraceField.CACHE_WRITE_TOKENS);
    }

    /** Sets a bounded text builder from {@code value} ({@code null} → empty), cut at {@link #MAX_TEXT}. */
    public static void set(StringBuilder field, CharSequence value) {
        field.setLength(0);
        if (value != null) {
            field.append(value, 0, Math.min(value.length(), MAX_TEXT));
        }
    }

    /** Records {@code count} findings of a PII type in the request (by name; never a value). */
    public void addPii(CharSequence type, int count) {
        addCount(TraceField.PII, type, count);
    }

    /** Records {@code count} findings of a PII type in a {@link TraceField.Kind#PII_COUNTS} field. */
    public void addCount(TraceField field, CharSequence type, int count) {
        int list = countList(field);
        int size = countSizes[list];
        if (size < MAX_ITEMS && count > 0) {
            set(countTypes[list][size], type);
            counts[list][size] = count;
            countSizes[list] = size + 1;
        }
    }

    private static int countList(TraceField field) {
        return field == TraceField.PII_RESPONSE ? 1 : 0;
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
        return countSizes[0];
    }

    public CharSequence piiType(int i) {
        return countTypes[0][i];
    }

    public int piiCount(int i) {
        return counts[0][i];
    }

    /** Entries of a {@link TraceField.Kind#PII_COUNTS} field. */
    public int countSize(TraceField field) {
        return countSizes[countList(field)];
    }

    public CharSequence countType(TraceField field, int i) {
        return countTypes[countList(field)][i];
    }

    public int countValue(TraceField field, int i) {
        return counts[countList(field)][i];
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

    /** A list field's size ({@link TraceField#TAGS} or {@link TraceField#SHADOW_RULES}). */
    public int listSize(TraceField field) {
        return field == TraceField.TAGS ? tagSize : shadowSize;
    }

    public CharSequence listItem(TraceField field, int i) {
        return field == TraceField.TAGS ? tags[i] : shadowRules[i];
    }

    // The codec reads and fills fields by index, and lists directly.
    long number(int field) {
        return numbers[field];
    }

    CharSequence textAt(int field) {
        return texts[field];
    }

    StringBuilder textBuilder(TraceField field) {
        return texts[field.ordinal()];
    }

    StringBuilder nextCountType(TraceField field) {
        int list = countList(field);
        return countTypes[list][countSizes[list]++];
    }

    void setLastCount(TraceField field, int count) {
        int list = countList(field);
        counts[list][countSizes[list] - 1] = count;
    }

    StringBuilder nextListItem(TraceField field) {
        return field == TraceField.TAGS ? tags[tagSize++] : shadowRules[shadowSize++];
    }

    void clearLists() {
        countSizes[0] = 0;
        countSizes[1] = 0;
        tagSize = 0;
        shadowSize = 0;
    }
}
