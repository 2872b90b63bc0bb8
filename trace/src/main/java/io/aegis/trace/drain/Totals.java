package io.aegis.trace.drain;

import io.aegis.trace.TraceEvent;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What the drainer has aggregated: one {@link Series} per tenant, provider and model, PII findings
 * by type, rule decisions by rule and decision. Adding an event allocates only the first time a
 * series, type or rule is seen (lookups use a reusable probe key). Owned by the drainer thread.
 */
final class Totals {
    private final SeriesMap series = new SeriesMap();
    private final TextKeyedMap<long[]> piiFindings = new TextKeyedMap<>();
    private final TextKeyedMap<long[]> ruleDecisions = new TextKeyedMap<>();
    private long events;
    /** Decisions no rule made: [allow, deny]. */
    private final long[] noRule = new long[2];
    private final StringBuilder probe = new StringBuilder(128);

    long events() {
        return events;
    }

    void add(TraceEvent e) {
        events++;
        String provider = e.provider == TraceEvent.Provider.ANTHROPIC ? "anthropic" : "gemini";
        StringBuilder model = e.routedModel.length() > 0 ? e.routedModel : e.model;
        Series s = series.get(e.tenant, provider, model);
        if (s == null) {
            s = new Series(e.tenant.toString(), provider, model.toString());
            series.put(s);
        }
        s.requests++;
        if (e.status >= 400 || e.error.length() > 0) {
            s.errors++;
        }
        if (e.denied) {
            s.denied++;
        }
        s.inputTokens += e.inputTokens;
        s.outputTokens += e.outputTokens;
        s.cacheReadTokens += e.cacheReadTokens;
        s.cacheWriteTokens += e.cacheWriteTokens;
        s.costNanos += e.costNanos;
        s.totalMicros.recordValue(Math.min(Series.HIGHEST_MICROS, Math.max(0, e.totalNanos / 1000)));
        s.overheadMicros.recordValue(Math.min(Series.HIGHEST_MICROS, Math.max(0, e.overheadNanos / 1000)));
        for (int i = 0; i < e.piiSize(); i++) {
            probe.setLength(0);
            probe.append(e.piiType(i));
            counter(piiFindings, probe)[0] += e.piiCount(i);
        }
        if (e.rule.length() == 0) {
            // Most requests: no rule decided. Counted without a lookup.
            noRule[e.denied ? 1 : 0]++;
        } else {
            probe.setLength(0);
            probe.append(e.rule).append('\u0000').append(e.denied ? "deny" : "allow");
            counter(ruleDecisions, probe)[0]++;
        }
    }

    private static long[] counter(TextKeyedMap<long[]> map, StringBuilder key) {
        long[] counter = map.get(key);
        if (counter == null) {
            counter = new long[1];
            map.put(key, counter);
        }
        return counter;
    }

    List<Series> series() {
        return series.values();
    }

    /** A copy of every series' counters (no histograms), safe to hand to another thread. */
    List<Series> snapshot() {
        List<Series> copies = new ArrayList<>(series.size());
        for (Series s : series.values()) {
            Series copy = new Series(s.tenant, s.provider, s.model, null, null);
            copy.requests = s.requests;
            copy.errors = s.errors;
            copy.denied = s.denied;
            copy.inputTokens = s.inputTokens;
            copy.outputTokens = s.outputTokens;
            copy.cacheReadTokens = s.cacheReadTokens;
            copy.cacheWriteTokens = s.cacheWriteTokens;
            copy.costNanos = s.costNanos;
            copies.add(copy);
        }
        return copies;
    }

    Map<String, Long> piiFindings() {
        Map<String, Long> out = new LinkedHashMap<>();
        piiFindings.forEach((type, count) -> out.put(type, count[0]));
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
        ruleDecisions.forEach((key, count) -> out.put(key, count[0]));
        return out;
    }

    void write(DataOutputStream out) throws IOException {
        out.writeLong(events);
        out.writeInt(series.size());
        for (Series s : series.values()) {
            out.writeUTF(s.tenant + "\u0000" + s.provider + "\u0000" + s.model);
            for (long value : new long[] {s.requests, s.errors, s.denied, s.inputTokens, s.outputTokens, s.cacheReadTokens,
                s.cacheWriteTokens, s.costNanos}) {
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
        Totals totals = new Totals();
        totals.events = in.readLong();
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            String key = in.readUTF();
            String[] parts = key.split("\u0000", -1);
            long[] values = new long[8];
            for (int v = 0; v < values.length; v++) {
                values[v] = in.readLong();
            }
            Series s = new Series(parts[0], parts[1], parts[2], histogram(in), histogram(in));
            s.requests = values[0];
            s.errors = values[1];
            s.denied = values[2];
            s.inputTokens = values[3];
            s.outputTokens = values[4];
            s.cacheReadTokens = values[5];
            s.cacheWriteTokens = values[6];
            s.costNanos = values[7];
            totals.series.put(s);
        }
        readCounters(in, totals.piiFindings);
        readCounters(in, totals.ruleDecisions);
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

    private static void counters(DataOutputStream out, TextKeyedMap<long[]> counters) throws IOException {
        out.writeInt(counters.size());
        List<Map.Entry<String, long[]>> entries = new ArrayList<>();
        counters.forEach((key, value) -> entries.add(Map.entry(key, value)));
        for (Map.Entry<String, long[]> entry : entries) {
            out.writeUTF(entry.getKey());
            out.writeLong(entry.getValue()[0]);
        }
    }

    private static void readCounters(DataInputStream in, TextKeyedMap<long[]> into) throws IOException {
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            String key = in.readUTF();
            into.put(key, new long[] {in.readLong()});
        }
    }
}
