package io.aegis.pii.engine;

import static com.gliwka.hyperscan.jni.hyperscan.HS_FLAG_SOM_LEFTMOST;
import static com.gliwka.hyperscan.jni.hyperscan.HS_MODE_BLOCK;
import static com.gliwka.hyperscan.jni.hyperscan.HS_SUCCESS;
import static com.gliwka.hyperscan.jni.hyperscan.hs_alloc_scratch;
import static com.gliwka.hyperscan.jni.hyperscan.hs_compile_multi;
import static com.gliwka.hyperscan.jni.hyperscan.hs_expression_info;
import static com.gliwka.hyperscan.jni.hyperscan.hs_free_database;
import static com.gliwka.hyperscan.jni.hyperscan.hs_free_scratch;
import static com.gliwka.hyperscan.jni.hyperscan.hs_scan;

import com.gliwka.hyperscan.jni.hs_compile_error_t;
import com.gliwka.hyperscan.jni.hs_database_t;
import com.gliwka.hyperscan.jni.hs_expr_info_t;
import com.gliwka.hyperscan.jni.hs_scratch_t;
import com.gliwka.hyperscan.jni.match_event_handler;
import io.aegis.pii.Findings;
import io.aegis.pii.PiiCatalogue;
import io.aegis.pii.PiiEngine;
import io.aegis.pii.PiiScanner;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Hyperscan as a prefilter, in two block-mode databases: narrow patterns (at most
 * {@value #NARROW_WIDTH} bytes) report only where matches end, which is about twice as fast as
 * tracking starts; wide ones (e-mail, long keys) report their leftmost start, so their windows do
 * not reach back hundreds of bytes. A wide pattern that opens with a run of character classes
 * before a literal (e-mail's local part before {@code @}) is scanned from the literal, and its
 * window is widened over the run afterwards ({@link LeadingRun}): tracking the start of the run
 * itself cost ten times more. Each report opens a window, [start, end) or [end - width, end);
 * the shared extraction then runs per pattern over the clusters those windows form, and nowhere
 * else. Every match the extraction can find ends at a reported end, starts no earlier than the
 * window does, and so lies inside one cluster; nothing lies between clusters. The findings equal
 * the pure-Java engine's. Text without PII costs one native pass over each database.
 */
public final class HyperscanEngine implements PiiEngine {
    /** Patterns no wider than this are scanned for ends only; wider ones also track their start. */
    public static final int NARROW_WIDTH = 64;

    private final CompiledCatalogue compiled;
    private final ScanPlan plan;
    /** Narrow patterns, ends only (fast); {@code null} when there are none. */
    private final hs_database_t narrow;
    /** Wide patterns with leftmost start of match; {@code null} when there are none. */
    private final hs_database_t wide;

    public HyperscanEngine(CompiledCatalogue compiled) {
        this.compiled = compiled;
        this.plan = new ScanPlan(compiled.sources);
        this.narrow = compile(plan, false);
        this.wide = compile(plan, true);
    }

    /**
     * What Hyperscan scans for each catalogue pattern (ids = indexes): the pattern itself, or for a
     * wide one opening with a {@link LeadingRun}, the rest after the run; how wide each scanned
     * pattern can match; and whether its start is tracked.
     */
    static final class ScanPlan {
        final String[] sources;
        final LeadingRun[] leads;
        final int[] maxWidths;
        final boolean[] tracksStart;

        ScanPlan(String[] catalogueSources) {
            int count = catalogueSources.length;
            int[] originalWidths = maxWidths(catalogueSources);
            sources = new String[count];
            leads = new LeadingRun[count];
            for (int i = 0; i < count; i++) {
                LeadingRun lead = originalWidths[i] > NARROW_WIDTH ? LeadingRun.of(catalogueSources[i]) : null;
                leads[i] = lead;
                sources[i] = lead == null ? catalogueSources[i] : lead.rest;
            }
            maxWidths = maxWidths(sources);
            tracksStart = new boolean[count];
            for (int i = 0; i < count; i++) {
                tracksStart[i] = maxWidths[i] > NARROW_WIDTH;
            }
        }
    }

    /** Each pattern's widest match, from Hyperscan's own analysis; {@code Integer.MAX_VALUE} when unbounded. */
    static int[] maxWidths(String[] sources) {
        int[] widths = new int[sources.length];
        for (int i = 0; i < sources.length; i++) {
            try (BytePointer expression = new BytePointer(sources[i], "UTF-8");
                 PointerPointer<hs_expr_info_t> infoOut = new PointerPointer<>(1);
                 PointerPointer<hs_compile_error_t> errorOut = new PointerPointer<>(1)) {
                int result = hs_expression_info(expression, 0, infoOut, errorOut);
                if (result != HS_SUCCESS) {
                    hs_compile_error_t error = errorOut.get(hs_compile_error_t.class);
                    throw new IllegalArgumentException("Hyperscan cannot compile pattern '" + sources[i] + "': "
                            + (error == null || error.isNull() ? "error " + result : error.message().getString()));
                }
                hs_expr_info_t info = infoOut.get(hs_expr_info_t.class);
                int width = info.max_width();
                Pointer.free(info);
                // max_width is unsigned; all ones means no bound.
                widths[i] = width < 0 ? Integer.MAX_VALUE : width;
            } catch (java.io.UnsupportedEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return widths;
    }

    /**
     * The engine's two block-mode databases for these catalogue patterns, built exactly as the
     * engine builds them: [0] reports ends only, [1] leftmost starts. Either is {@code null} when it
     * would be empty; free them with {@code hs_free_database}. Public so benchmarks can scan the very
     * same databases raw.
     */
    public static hs_database_t[] compileDatabases(String[] catalogueSources) {
        ScanPlan plan = new ScanPlan(catalogueSources);
        return new hs_database_t[] {compile(plan, false), compile(plan, true)};
    }

    private static hs_database_t compile(ScanPlan plan, boolean startTracking) {
        String[] sources = plan.sources;
        boolean[] tracksStart = plan.tracksStart;
        int count = 0;
        for (boolean tracks : tracksStart) {
            count += tracks == startTracking ? 1 : 0;
        }
        if (count == 0) {
            return null;
        }
        String[] selected = new String[count];
        int[] flags = new int[count];
        int[] ids = new int[count];
        int at = 0;
        for (int i = 0; i < sources.length; i++) {
            if (tracksStart[i] == startTracking) {
                selected[at] = sources[i];
                flags[at] = startTracking ? HS_FLAG_SOM_LEFTMOST : 0;
                ids[at] = i;
                at++;
            }
        }
        try (PointerPointer<?> expressions = new PointerPointer<>(count).putString(selected, StandardCharsets.UTF_8);
             IntPointer flagPointer = new IntPointer(flags);
             IntPointer idPointer = new IntPointer(ids);
             PointerPointer<hs_database_t> databaseOut = new PointerPointer<>(1);
             PointerPointer<hs_compile_error_t> errorOut = new PointerPointer<>(1)) {
            int result = hs_compile_multi(expressions, flagPointer, idPointer, count, HS_MODE_BLOCK, null, databaseOut,
                    errorOut);
            if (result != HS_SUCCESS) {
                hs_compile_error_t error = errorOut.get(hs_compile_error_t.class);
                String message = error == null || error.isNull() ? "error " + result : error.message().getString();
                int expression = error == null || error.isNull() ? -1 : error.expression();
                throw new IllegalArgumentException("Hyperscan cannot compile "
                        + (expression >= 0 && expression < count ? "pattern '" + selected[expression] + "'" : "the catalogue")
                        + ": " + message);
            }
            return databaseOut.get(hs_database_t.class);
        }
    }

    @Override
    public String name() {
        return "hyperscan";
    }

    @Override
    public PiiCatalogue catalogue() {
        return compiled.catalogue;
    }

    @Override
    public PiiScanner newScanner() {
        return new HyperscanScanner();
    }

    @Override
    public void close() {
        if (narrow != null) {
            hs_free_database(narrow);
        }
        if (wide != null) {
            hs_free_database(wide);
        }
    }

    /** Scratch space, a native copy of the text, the match recorder and the extractor of one thread. */
    private final class HyperscanScanner implements PiiScanner {
        private final hs_scratch_t scratch = new hs_scratch_t();
        private final Recorder recorder = new Recorder(plan.maxWidths, plan.tracksStart);
        private final FindingExtractor extractor = new FindingExtractor(compiled);
        private BytePointer data = new BytePointer(64 * 1024);
        private long capacity = 64 * 1024;

        HyperscanScanner() {
            // One scratch serves both databases: allocating for the second grows it to fit both.
            for (hs_database_t database : new hs_database_t[] {narrow, wide}) {
                if (database != null) {
                    int result = hs_alloc_scratch(database, scratch);
                    if (result != HS_SUCCESS) {
                        throw new IllegalStateException("Hyperscan cannot allocate scratch space: error " + result);
                    }
                }
            }
        }

        @Override
        public int scan(byte[] text, int length, Findings out) {
            out.clear(compiled.catalogue.types().size());
            if (length == 0) {
                return 0;
            }
            if (length > capacity) {
                data.close();
                capacity = Math.max(length, capacity * 2);
                data = new BytePointer(capacity);
            }
            data.position(0).put(text, 0, length);
            recorder.reset();
            scan(narrow, length);
            scan(wide, length);
            extractor.begin(text, length);
            for (int p = 0; p < recorder.patterns(); p++) {
                if (recorder.count(p) == 0) {
                    continue;
                }
                if (plan.leads[p] != null) {
                    recorder.reachBack(p, plan.leads[p], text);
                }
                int clusters = recorder.clusters(p);
                for (int c = 0; c < clusters; c++) {
                    extractor.extract(p, text, length, recorder.clusterStart(p, c), recorder.clusterEnd(p, c));
                }
            }
            extractor.finish(out);
            return out.size();
        }

        private void scan(hs_database_t database, int length) {
            if (database == null) {
                return;
            }
            int result = hs_scan(database, data, length, 0, scratch, recorder, null);
            if (result != HS_SUCCESS) {
                throw new IllegalStateException("Hyperscan scan failed: error " + result);
            }
        }

        @Override
        public void close() {
            hs_free_scratch(scratch);
            data.close();
            recorder.close();
        }
    }

    /**
     * Called by Hyperscan for every match: keeps each reported span by pattern, so that extraction
     * can run over the merged clusters of spans instead of one window from first to last match.
     */
    private static final class Recorder extends match_event_handler {
        /** Per pattern: packed spans (start << 32 | end), in report order. */
        private long[][] spans;
        private final int[] counts;
        private final int[] maxWidths;
        private final boolean[] tracksStart;

        Recorder(int[] maxWidths, boolean[] tracksStart) {
            this.maxWidths = maxWidths;
            this.tracksStart = tracksStart;
            spans = new long[maxWidths.length][8];
            counts = new int[maxWidths.length];
        }

        void reset() {
            Arrays.fill(counts, 0);
        }

        /** Moves pattern {@code p}'s span starts left over the bytes its leading run can hold. */
        void reachBack(int p, LeadingRun lead, byte[] text) {
            long[] list = spans[p];
            for (int i = 0; i < counts[p]; i++) {
                int start = lead.reachBack(text, (int) (list[i] >>> 32));
                list[i] = ((long) start << 32) | (list[i] & 0xffffffffL);
            }
        }

        int patterns() {
            return counts.length;
        }

        int count(int pattern) {
            return counts[pattern];
        }

        /**
         * Sorts pattern {@code p}'s spans and merges those that overlap or touch, in place;
         * returns the number of clusters, readable with {@link #clusterStart} and {@link #clusterEnd}.
         */
        int clusters(int p) {
            long[] list = spans[p];
            int n = counts[p];
            Arrays.sort(list, 0, n);
            int out = 0;
            for (int i = 0; i < n; i++) {
                int start = (int) (list[i] >>> 32);
                int end = (int) list[i];
                if (out > 0 && start <= (int) list[out - 1]) {
                    int merged = Math.max(end, (int) list[out - 1]);
                    list[out - 1] = (list[out - 1] & 0xffffffff00000000L) | (merged & 0xffffffffL);
                } else {
                    list[out++] = ((long) start << 32) | (end & 0xffffffffL);
                }
            }
            return out;
        }

        int clusterStart(int p, int i) {
            return (int) (spans[p][i] >>> 32);
        }

        int clusterEnd(int p, int i) {
            return (int) spans[p][i];
        }

        @Override
        public int call(int id, long from, long to, int flags, Pointer context) {
            long[] list = spans[id];
            int n = counts[id];
            if (n == list.length) {
                spans[id] = list = Arrays.copyOf(list, n * 2);
            }
            // Wide patterns report their leftmost start; for narrow ones only the end is known, and no
            // match reaches back further than the pattern's width.
            long start = tracksStart[id] ? from : Math.max(0, to - maxWidths[id]);
            list[n] = (start << 32) | (to & 0xffffffffL);
            counts[id] = n + 1;
            return 0;
        }
    }
}
