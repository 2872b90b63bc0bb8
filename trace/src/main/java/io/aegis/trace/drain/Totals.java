package io.aegis.trace.drain;

import io.aegis.trace.RequestEventView;
import io.aegis.trace.TraceEvent;
import io.aegis.trace.TraceField;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;

/**
 * What the drainer has aggregated: one {@link Series} per tenant, provider and model, PII findings
 * by type, rule decisions by rule and decision. Adding an event allocates only the first time a
 * series, type or rule is seen (lookups compare the event's UTF-8 bytes in place). Owned by the
 * drainer thread.
 */
final class Totals {
    private final SeriesMap series = new SeriesMap();
    private static final int ALLOW = 0;
    private static final int DENY = 1;

    /** By type, with the direction as the variant: {@link #REQUEST} or {@link #RESPONSE}. */
    private final Utf8Counters piiFindings = new Utf8Counters();
    private static final int REQUEST = 0;
    private static final int RESPONSE = 1;
    /** By rule id, with the decision as the variant. */
    private final Utf8Counters ruleDecisions = new Utf8Counters();
    private long events;
    /** Decisions no rule made: [allow, deny]. */
    private final long[] noRule = new long[2];

    long events() {
        return events;
    }

    /** Adds one event, read in place: its text is compared as bytes, never decoded. */
    void add(RequestEventView e) {
        events++;
        DirectBuffer buffer = e.buffer();
        int provider = e.provider().ordinal();
        Series s = series.get(buffer, e.textOffset(TraceField.TENANT), e.textLength(TraceField.TENANT), provider, e.effectiveModelOffset(),
                e.effectiveModelLength());
        if (s == null) {
            s = new Series(buffer.getStringWithoutLengthUtf8(e.textOffset(TraceField.TENANT), e.textLength(TraceField.TENANT)),
                    provider == 0 ? "anthropic" : "gemini",
                    buffer.getStringWithoutLengthUtf8(e.effectiveModelOffset(), e.effectiveModelLength()));
            series.put(s);
        }
        s.counts[Series.REQUESTS]++;
        if (e.failed()) {
            s.counts[Series.ERRORS]++;
        }
        boolean denied = e.flag(TraceField.DENIED);
        if (denied) {
            s.counts[Series.DENIED]++;
        }
        s.counts[Series.INPUT_TOKENS] += e.get(TraceField.INPUT_TOKENS);
        s.counts[Series.OUTPUT_TOKENS] += e.get(TraceField.OUTPUT_TOKENS);
        s.counts[Series.CACHE_READ_TOKENS] += e.get(TraceField.CACHE_READ_TOKENS);
        s.counts[Series.CACHE_WRITE_TOKENS] += e.get(TraceField.CACHE_WRITE_TOKENS);
        s.counts[Series.COST_NANOS] += e.get(TraceField.COST_NANOS);
        s.counts[Series.RETRIES] += e.get(TraceField.RETRIES);
        long hedge = e.get(TraceField.HEDGE);
        if (hedge != TraceEvent.HEDGE_NONE) {
            s.counts[Series.HEDGES]++;
            if (hedge == TraceEvent.HEDGE_WON) {
                s.counts[Series.HEDGES_WON]++;
            }
        }
        if (e.get(TraceField.CIRCUIT) == TraceEvent.CIRCUIT_OPEN) {
            s.counts[Series.CIRCUIT_OPEN]++;
        }
        s.totalMicros.recordValue(Math.min(Series.HIGHEST_MICROS, Math.max(0, e.get(TraceField.TOTAL_NANOS) / 1000)));
        s.overheadMicros.recordValue(Math.min(Series.HIGHEST_MICROS, Math.max(0, e.get(TraceField.OVERHEAD_NANOS) / 1000)));
        for (int i = 0; i < e.piiSize(); i++) {
            piiFindings.add(buffer, e.piiTypeOffset(i), e.piiTypeLength(i), REQUEST, e.piiCount(i));
        }
        for (int i = 0; i < e.responsePiiSize(); i++) {
            piiFindings.add(buffer, e.responsePiiTypeOffset(i), e.responsePiiTypeLength(i), RESPONSE,
                    e.responsePiiCount(i));
        }
        if (e.textLength(TraceField.RULE) == 0) {
            // Most requests: no rule decided. Counted without a lookup.
            noRule[denied ? DENY : ALLOW]++;
        } else {
            ruleDecisions.add(buffer, e.textOffset(TraceField.RULE), e.textLength(TraceField.RULE), denied ? DENY : ALLOW, 1);
        }
    }

    List<Series> series() {
        return series.values();
    }

    /** A copy of every series' counters (no histograms), safe to hand to another thread. */
    List<Series> snapshot() {
        List<Series> copies = new ArrayList<>(series.size());
        for (Series s : series.values()) {
            Series copy = new Series(s.tenant, s.provider, s.model, null, null);
            System.arraycopy(s.counts, 0, copy.counts, 0, Series.COUNTERS);
            copies.add(copy);
        }
        return copies;
    }

    /** Findings in requests by type. */
    Map<String, Long> piiFindings() {
        return piiFindings(REQUEST);
    }

    /** Findings in answers by type. */
    Map<String, Long> piiResponseFindings() {
        return piiFindings(RESPONSE);
    }

    private Map<String, Long> piiFindings(int direction) {
        Map<String, Long> out = new LinkedHashMap<>();
        piiFindings.forEach((type, variant, count) -> {
            if (variant == direction) {
                out.put(type, count);
            }
        });
        return out;
    }

    /** (rule or "", decision) → count. */
    Map<String, Long> ruleDecisions() {
        Map<String, Long> out = new LinkedHashMap<>();
        if (noRule[0] > 0) {
            out.put("\u0000allow", noRule[0]);
        }
        if (noRule[1] > 0) {
            out.put("\u0000deny", noRule[1]);
        }
        ruleDecisions.forEach((rule, decision, count) -> out.put(rule + (decision == DENY ? "\u0000deny" : "\u0000allow"), count));
        return out;
    }

    void write(DataOutputStream out) throws IOException {
        out.writeLong(events);
        out.writeInt(series.size());
        for (Series s : series.values()) {
            out.writeUTF(s.tenant + "\u0000" + s.provider + "\u0000" + s.model);
            for (long value : s.counts) {
                out.writeLong(value);
            }
            histogram(out, s.totalMicros);
            histogram(out, s.overheadMicros);
        }
        counters(out, piiFindings);
        counters(out, ruleDecisions);
        out.writeLong(noRule[0]);
        out.writeLong(noRule[1]);
    }

    static Totals read(DataInputStream in) throws IOException {
        return read(in, 4);
    }

    /** Reads totals a checkpoint of {@code version} wrote (2 to 4; before 4, no upstream counters). */
    static Totals read(DataInputStream in, int version) throws IOException {
        Totals totals = new Totals();
        totals.events = in.readLong();
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            String key = in.readUTF();
            String[] parts = key.split("\u0000", -1);
            long[] values = new long[version >= 4 ? Series.COUNTERS : Series.COUNTERS_BEFORE_V4];
            for (int v = 0; v < values.length; v++) {
                values[v] = in.readLong();
            }
            Series s = new Series(parts[0], parts[1], parts[2], histogram(in), histogram(in));
            System.arraycopy(values, 0, s.counts, 0, values.length);
            totals.series.put(s);
        }
        readCounters(in, totals.piiFindings, version, false);
        readCounters(in, totals.ruleDecisions, version, true);
        totals.noRule[0] = in.readLong();
        totals.noRule[1] = in.readLong();
        return totals;
    }

    private static void histogram(DataOutputStream out, Histogram histogram) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        out.writeInt(length);
        out.write(buffer.array(), 0, length);
    }

    private static Histogram histogram(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), Series.HIGHEST_MICROS);
        } catch (java.util.zip.DataFormatException e) {
            throw new IOException("a histogram in the checkpoint is damaged", e);
        }
    }

    private static void counters(DataOutputStream out, Utf8Counters counters) throws IOException {
        out.writeInt(counters.size());
        List<Object[]> entries = new ArrayList<>();
        counters.forEach((key, variant, count) -> entries.add(new Object[] {key, variant, count}));
        for (Object[] entry : entries) {
            out.writeUTF((String) entry[0]);
            out.writeByte((Integer) entry[1]);
            out.writeLong((Long) entry[2]);
        }
    }

    private static void readCounters(DataInputStream in, Utf8Counters into, int version, boolean decisions)
            throws IOException {
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            String key = in.readUTF();
            int variant;
            if (version >= 3) {
                variant = in.readByte();
            } else if (decisions) {
                int split = key.lastIndexOf('\u0000');
                variant = key.endsWith("\u0000deny") ? DENY : ALLOW;
                key = split < 0 ? key : key.substring(0, split);
            } else {
                variant = 0;
            }
            into.add(key, variant, in.readLong());
        }
    }
}
