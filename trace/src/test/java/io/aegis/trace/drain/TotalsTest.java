package io.aegis.trace.drain;

import io.aegis.trace.TraceField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.trace.RequestEventView;
import io.aegis.trace.TraceEvent;
import io.aegis.trace.TraceReader;
import io.aegis.trace.TraceWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Aggregating events read in place (text compared as UTF-8 bytes, never decoded) gives the same
 * totals as aggregating fully decoded events, for multi-byte tenants, routed models, PII types and
 * rules, with the upstream counters that lie past the variable-length tags and shadow rules; and
 * the totals survive a checkpoint round trip.
 */
class TotalsTest {
    private static final String[] TENANTS = {"acme", "société-générale", "東京-team", "emoji-😀", "a"};
    private static final String[] MODELS = {"claude-sonnet-4-5", "gemini-2.5-flash", "modèle-ü", ""};
    private static final String[] PII = {"EMAIL", "CREDIT_CARD", "TÉLÉPHONE"};
    private static final String[] RULES = {"", "", "no-cards", "règle-ü"};

    @TempDir
    Path dir;

    @Test
    void inPlaceAggregationEqualsDecodedAggregation() throws Exception {
        Path queue = dir.resolve("trace");
        Random random = new Random(42);
        try (TraceWriter writer = new TraceWriter(queue)) {
            TraceEvent e = new TraceEvent();
            for (int i = 0; i < 3000; i++) {
                e.clear();
                e.set(TraceField.TIMESTAMP, i);
                e.set(TraceField.TRACE_ID, Long.toHexString(random.nextLong()));
                e.set(TraceField.TENANT, TENANTS[random.nextInt(TENANTS.length)]);
                e.provider(random.nextBoolean() ? TraceEvent.Provider.ANTHROPIC : TraceEvent.Provider.GEMINI);
                e.set(TraceField.MODEL, MODELS[random.nextInt(MODELS.length)]);
                e.set(TraceField.ROUTED_MODEL, random.nextInt(4) == 0 ? MODELS[random.nextInt(MODELS.length)] : "");
                e.set(TraceField.PATH, "/v1/messages?ü=" + i);
                e.set(TraceField.RULE, RULES[random.nextInt(RULES.length)]);
                e.set(TraceField.DENIED, e.text(TraceField.RULE).length() > 0 && random.nextBoolean());
                e.set(TraceField.STATUS, e.flag(TraceField.DENIED) ? 403 : random.nextInt(10) == 0 ? 502 : 200);
                e.set(TraceField.ERROR, random.nextInt(20) == 0 ? "upstream_reset" : "");
                e.set(TraceField.INPUT_TOKENS, random.nextInt(5000));
                e.set(TraceField.OUTPUT_TOKENS, random.nextInt(500));
                e.set(TraceField.CACHE_READ_TOKENS, random.nextInt(100));
                e.set(TraceField.CACHE_WRITE_TOKENS, random.nextInt(100));
                e.set(TraceField.COST_NANOS, random.nextInt(10_000_000));
                e.set(TraceField.TOTAL_NANOS, random.nextInt(2_000_000_000));
                e.set(TraceField.OVERHEAD_NANOS, random.nextInt(100_000));
                for (int p = random.nextInt(3); p > 0; p--) {
                    e.addPii(PII[random.nextInt(PII.length)], 1 + random.nextInt(3));
                }
                for (int t = random.nextInt(3); t > 0; t--) {
                    e.addTag("tag-ü-" + random.nextInt(3));
                }
                if (random.nextInt(5) == 0) {
                    e.addShadowRule("shadow-" + random.nextInt(2));
                }
                e.set(TraceField.CONFIG_VERSION, random.nextInt(50));
                e.set(TraceField.RETRIES, random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 0);
                e.set(TraceField.ATTEMPTS, 1 + (int) e.get(TraceField.RETRIES));
                e.set(TraceField.HEDGE, (byte) random.nextInt(3));
                e.set(TraceField.CIRCUIT, (byte) random.nextInt(3));
                e.set(TraceField.ATTEMPT_LOG, "t0/k-" + random.nextInt(9) + ":200");
                assertTrue(writer.append(e));
            }
            assertTrue(writer.sync(10_000));
        }

        Totals inPlace = new Totals();
        RequestEventView view = new RequestEventView();
        int read = 0;
        try (TraceReader reader = new TraceReader(queue)) {
            while (reader.next(view, () -> inPlace.add(view))) {
                read++;
            }
        }
        assertEquals(3000, read);

        Map<String, long[]> series = new TreeMap<>();
        Map<String, Long> pii = new TreeMap<>();
        Map<String, Long> rules = new TreeMap<>();
        try (TraceReader reader = new TraceReader(queue)) {
            TraceEvent e = new TraceEvent();
            while (reader.next(e)) {
                String model = (e.text(TraceField.ROUTED_MODEL).length() > 0 ? e.text(TraceField.ROUTED_MODEL) : e.text(TraceField.MODEL)).toString();
                String key = e.text(TraceField.TENANT) + "|" + (e.provider() == TraceEvent.Provider.ANTHROPIC ? "anthropic" : "gemini") + "|"
                        + model;
                long[] s = series.computeIfAbsent(key, k -> new long[13]);
                s[0]++;
                s[1] += (int) e.get(TraceField.STATUS) >= 400 || e.text(TraceField.ERROR).length() > 0 ? 1 : 0;
                s[2] += e.flag(TraceField.DENIED) ? 1 : 0;
                s[3] += e.get(TraceField.INPUT_TOKENS);
                s[4] += e.get(TraceField.OUTPUT_TOKENS);
                s[5] += e.get(TraceField.CACHE_READ_TOKENS);
                s[6] += e.get(TraceField.CACHE_WRITE_TOKENS);
                s[7] += e.get(TraceField.COST_NANOS);
                s[8] += e.get(TraceField.OVERHEAD_NANOS) / 1000;
                s[9] += (int) e.get(TraceField.RETRIES);
                s[10] += (byte) e.get(TraceField.HEDGE) != TraceEvent.HEDGE_NONE ? 1 : 0;
                s[11] += (byte) e.get(TraceField.HEDGE) == TraceEvent.HEDGE_WON ? 1 : 0;
                s[12] += (byte) e.get(TraceField.CIRCUIT) == TraceEvent.CIRCUIT_OPEN ? 1 : 0;
                for (int i = 0; i < e.piiSize(); i++) {
                    pii.merge(e.piiType(i).toString(), (long) e.piiCount(i), Long::sum);
                }
                rules.merge(e.text(TraceField.RULE) + "\u0000" + (e.flag(TraceField.DENIED) ? "deny" : "allow"), 1L, Long::sum);
            }
        }

        assertEquals(lists(series), lists(summary(inPlace).series), "series");
        assertEquals(pii, new TreeMap<>(inPlace.piiFindings()));
        assertEquals(rules, new TreeMap<>(inPlace.ruleDecisions()));
        assertTrue(pii.containsKey("TÉLÉPHONE") && series.keySet().stream().anyMatch(k -> k.startsWith("東京-team|")),
                "multi-byte keys were exercised");
        assertTrue(series.values().stream().allMatch(s -> s[9] > 0 && s[11] > 0 && s[12] > 0),
                "every series saw retries, won hedges and open circuits");

        String prometheus = PrometheusText.render(inPlace);
        long[] upstream = new long[4];
        series.values().forEach(v -> {
            upstream[0] += v[9];
            upstream[1] += v[10];
            upstream[2] += v[11];
            upstream[3] += v[12];
        });
        assertEquals(upstream[0], DrainerTest.sum(prometheus, "aegis_retries_total"));
        assertEquals(upstream[1], DrainerTest.sum(prometheus, "aegis_hedges_total"));
        assertEquals(upstream[2], DrainerTest.sum(prometheus.replaceAll("(?m)^.*winner=\"first\".*$", ""),
                "aegis_hedges_total"), "won by the hedge");
        assertEquals(upstream[3], DrainerTest.sum(prometheus, "aegis_circuit_open_total"));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        inPlace.write(new DataOutputStream(bytes));
        Totals restored = Totals.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(lists(series), lists(summary(restored).series), "series after a checkpoint");
        assertEquals(pii, new TreeMap<>(restored.piiFindings()));
        assertEquals(rules, new TreeMap<>(restored.ruleDecisions()));
    }

    @Test
    void aVersionTwoCheckpointIsStillRead() throws Exception {
        // Version 2 wrote rule decisions as "rule\0decision" keys with no variant byte.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeLong(11);
        out.writeInt(0);
        out.writeInt(1);
        out.writeUTF("EMAIL");
        out.writeLong(5);
        out.writeInt(2);
        out.writeUTF("no-cards\u0000deny");
        out.writeLong(3);
        out.writeUTF("tag-it\u0000allow");
        out.writeLong(1);
        out.writeLong(7);
        out.writeLong(0);
        out.flush();
        Totals totals = Totals.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), 2);
        assertEquals(11, totals.events());
        assertEquals(Map.of("EMAIL", 5L), totals.piiFindings());
        assertEquals(Map.of("no-cards\u0000deny", 3L, "tag-it\u0000allow", 1L, "\u0000allow", 7L),
                new TreeMap<>(totals.ruleDecisions()));
    }

    @Test
    void aVersionThreeCheckpointIsReadWithoutUpstreamCounters() throws Exception {
        // Version 3: eight counters per series, then the two histograms; no upstream counters yet.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeLong(2);
        out.writeInt(1);
        out.writeUTF("acme\u0000anthropic\u0000claude-sonnet-4-5");
        for (long value : new long[] {2, 1, 0, 100, 40, 0, 0, 990_000}) {
            out.writeLong(value);
        }
        for (int h = 0; h < 2; h++) {
            org.HdrHistogram.Histogram histogram = new org.HdrHistogram.Histogram(Series.HIGHEST_MICROS, 3);
            histogram.recordValue(1500);
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
            int length = histogram.encodeIntoCompressedByteBuffer(buffer);
            out.writeInt(length);
            out.write(buffer.array(), 0, length);
        }
        out.writeInt(0); // PII findings
        out.writeInt(0); // rule decisions
        out.writeLong(2);
        out.writeLong(0);
        out.flush();
        Totals totals = Totals.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), 3);
        Series s = totals.series().get(0);
        assertEquals(java.util.List.of(2L, 1L, 100L, 40L, 990_000L, 0L, 0L, 0L),
                java.util.List.of(s.counts[Series.REQUESTS], s.counts[Series.ERRORS], s.counts[Series.INPUT_TOKENS], s.counts[Series.OUTPUT_TOKENS], s.counts[Series.COST_NANOS], s.counts[Series.RETRIES], s.counts[Series.HEDGES],
                        s.counts[Series.CIRCUIT_OPEN]));
        assertEquals(1, s.totalMicros.getTotalCount());
    }

    private static Map<String, java.util.List<Long>> lists(Map<String, long[]> series) {
        Map<String, java.util.List<Long>> out = new TreeMap<>();
        series.forEach((k, v) -> out.put(k, java.util.Arrays.stream(v).boxed().toList()));
        return out;
    }

    /** The series of some totals in the reference's shape (overhead as a sum of recorded micros). */
    private record Summary(Map<String, long[]> series) {
    }

    private static Summary summary(Totals totals) {
        Map<String, long[]> out = new TreeMap<>();
        for (Series s : totals.series()) {
            long overheadMicros = 0;
            for (var value : s.overheadMicros.recordedValues()) {
                overheadMicros += value.getValueIteratedTo() * value.getCountAddedInThisIterationStep();
            }
            out.put(s.tenant + "|" + s.provider + "|" + s.model, new long[] {s.counts[Series.REQUESTS], s.counts[Series.ERRORS], s.counts[Series.DENIED], s.counts[Series.INPUT_TOKENS],
                s.counts[Series.OUTPUT_TOKENS], s.counts[Series.CACHE_READ_TOKENS], s.counts[Series.CACHE_WRITE_TOKENS], s.counts[Series.COST_NANOS], overheadMicros, s.counts[Series.RETRIES], s.counts[Series.HEDGES],
                s.counts[Series.HEDGES_WON], s.counts[Series.CIRCUIT_OPEN]});
        }
        return new Summary(out);
    }
}
