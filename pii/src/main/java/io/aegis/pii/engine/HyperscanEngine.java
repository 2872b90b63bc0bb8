package io.aegis.pii.engine;

import static com.gliwka.hyperscan.jni.hyperscan.HS_FLAG_SOM_LEFTMOST;
import static com.gliwka.hyperscan.jni.hyperscan.HS_MODE_BLOCK;
import static com.gliwka.hyperscan.jni.hyperscan.HS_MODE_SOM_HORIZON_LARGE;
import static com.gliwka.hyperscan.jni.hyperscan.HS_MODE_STREAM;
import static com.gliwka.hyperscan.jni.hyperscan.HS_SUCCESS;
import static com.gliwka.hyperscan.jni.hyperscan.hs_alloc_scratch;
import static com.gliwka.hyperscan.jni.hyperscan.hs_compile_multi;
import static com.gliwka.hyperscan.jni.hyperscan.hs_expression_info;
import static com.gliwka.hyperscan.jni.hyperscan.hs_free_database;
import static com.gliwka.hyperscan.jni.hyperscan.hs_free_scratch;
import static com.gliwka.hyperscan.jni.hyperscan.hs_close_stream;
import static com.gliwka.hyperscan.jni.hyperscan.hs_open_stream;
import static com.gliwka.hyperscan.jni.hyperscan.hs_reset_stream;
import static com.gliwka.hyperscan.jni.hyperscan.hs_scan;
import static com.gliwka.hyperscan.jni.hyperscan.hs_scan_stream;

import com.gliwka.hyperscan.jni.hs_compile_error_t;
import com.gliwka.hyperscan.jni.hs_database_t;
import com.gliwka.hyperscan.jni.hs_expr_info_t;
import com.gliwka.hyperscan.jni.hs_scratch_t;
import com.gliwka.hyperscan.jni.hs_stream_t;
import io.aegis.pii.Findings;
import io.aegis.pii.PiiCatalogue;
import io.aegis.pii.PiiEngine;
import io.aegis.pii.PiiScanner;
import io.aegis.pii.PiiStream;
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
    /** The same two sets compiled for stream mode (answers scanned as they arrive); either may be {@code null}. */
    private final hs_database_t narrowStream;
    private final hs_database_t wideStream;

    public HyperscanEngine(CompiledCatalogue compiled) {
        this.compiled = compiled;
        this.plan = new ScanPlan(compiled.sources);
        this.narrow = compile(plan, false, HS_MODE_BLOCK);
        this.wide = compile(plan, true, HS_MODE_BLOCK);
        this.narrowStream = compile(plan, false, HS_MODE_STREAM);
        // Stream mode keeps a match's start across writes only with a horizon; large is exact.
        this.wideStream = compile(plan, true, (int) (HS_MODE_STREAM | HS_MODE_SOM_HORIZON_LARGE));
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
        return new hs_database_t[] {compile(plan, false, HS_MODE_BLOCK), compile(plan, true, HS_MODE_BLOCK)};
    }

    /** The engine's two stream-mode databases, as {@link #compileDatabases} gives the block-mode ones. */
    public static hs_database_t[] compileStreamDatabases(String[] catalogueSources) {
        ScanPlan plan = new ScanPlan(catalogueSources);
        return new hs_database_t[] {compile(plan, false, HS_MODE_STREAM),
            compile(plan, true, (int) (HS_MODE_STREAM | HS_MODE_SOM_HORIZON_LARGE))};
    }

    private static hs_database_t compile(ScanPlan plan, boolean startTracking, int mode) {
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
            int result = hs_compile_multi(expressions, flagPointer, idPointer, count, mode, null, databaseOut,
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
        for (hs_database_t database : new hs_database_t[] {wide, narrowStream, wideStream}) {
            if (database != null) {
                hs_free_database(database);
            }
        }
    }

    /** Scratch space, a native copy of the text, the match recorder and the extractor of one thread. */
    private final class HyperscanScanner implements PiiScanner {
        private final hs_scratch_t scratch = new hs_scratch_t();
        private final SpanRecorder recorder = new SpanRecorder(plan.maxWidths, plan.tracksStart);
        private final MatchForwarder forwarder = new MatchForwarder();
        private final FindingExtractor extractor = new FindingExtractor(compiled);
        private BytePointer data = new BytePointer(64 * 1024);
        private long capacity = 64 * 1024;

        HyperscanScanner() {
            // One scratch serves every database: allocating for each grows it to fit all.
            for (hs_database_t database : new hs_database_t[] {narrow, wide, narrowStream, wideStream}) {
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
            forwarder.target = recorder;
            scan(narrow, length);
            scan(wide, length);
            extractor.begin(text, length);
            for (int p = 0; p < recorder.patterns(); p++) {
                if (recorder.count(p) == 0) {
                    continue;
                }
                if (plan.leads[p] != null) {
                    recorder.reachBack(p, plan.leads[p], text, 0, 0);
                }
                int clusters = recorder.clusters(p);
                for (int c = 0; c < clusters; c++) {
                    extractor.extract(p, text, length, recorder.clusterStart(p, c), recorder.clusterEnd(p, c));
                }
            }
            extractor.finish(out);
            return out.size();
        }

        @Override
        public PiiStream openStream(int holdbackBytes) {
            return new StreamScan(compiled, extractor, new HyperscanStream(), holdbackBytes);
        }

        private void scan(hs_database_t database, int length) {
            if (database == null) {
                return;
            }
            int result = hs_scan(database, data, length, 0, scratch, forwarder, null);
            if (result != HS_SUCCESS) {
                throw new IllegalStateException("Hyperscan scan failed: error " + result);
            }
        }

        /**
         * One answer's two native streams, scanned with this thread's scratch, native buffer and
         * callback; the reports land in the answer's own recorder.
         */
        private final class HyperscanStream implements StreamPrefilter {
            private final SpanRecorder spans = new SpanRecorder(plan.maxWidths, plan.tracksStart);
            /** The narrow and the wide database's stream states; either may be {@code null}. */
            private final hs_stream_t[] states = {open(narrowStream), open(wideStream)};

            private hs_stream_t open(hs_database_t database) {
                if (database == null) {
                    return null;
                }
                hs_stream_t state = new hs_stream_t();
                int result = hs_open_stream(database, 0, state);
                if (result != HS_SUCCESS) {
                    throw new IllegalStateException("Hyperscan cannot open a stream: error " + result);
                }
                return state;
            }

            @Override
            public void scan(byte[] text, int from, int length) {
                if (length > capacity) {
                    data.close();
                    capacity = Math.max(length, capacity * 2);
                    data = new BytePointer(capacity);
                }
                data.position(0).put(text, from, length);
                forwarder.target = spans;
                for (hs_stream_t state : states) {
                    if (state != null) {
                        int result = hs_scan_stream(state, data, length, 0, scratch, forwarder, null);
                        if (result != HS_SUCCESS) {
                            throw new IllegalStateException("Hyperscan stream scan failed: error " + result);
                        }
                    }
                }
            }

            @Override
            public void finish() {
                // A reset reports the matches that only the end of the text completes, and readies the stream.
                forwarder.target = spans;
                resetStates(forwarder);
            }

            @Override
            public void reset() {
                spans.reset();
                resetStates(null);
            }

            private void resetStates(MatchForwarder reports) {
                for (hs_stream_t state : states) {
                    if (state != null) {
                        int result = hs_reset_stream(state, 0, scratch, reports, null);
                        if (result != HS_SUCCESS) {
                            throw new IllegalStateException("Hyperscan cannot reset a stream: error " + result);
                        }
                    }
                }
            }

            @Override
            public SpanRecorder spans() {
                return spans;
            }

            @Override
            public LeadingRun lead(int p) {
                return plan.leads[p];
            }

            @Override
            public void close() {
                // No callback, so no scratch either: a stream may outlive its thread's scanner at shutdown.
                for (hs_stream_t state : states) {
                    if (state != null) {
                        hs_close_stream(state, null, null, null);
                    }
                }
            }
        }

        @Override
        public void close() {
            hs_free_scratch(scratch);
            data.close();
            forwarder.close();
        }
    }
}
