package io.aegis.pii.engine;

import static com.gliwka.hyperscan.jni.hyperscan.HS_FLAG_SOM_LEFTMOST;
import static com.gliwka.hyperscan.jni.hyperscan.HS_MODE_BLOCK;
import static com.gliwka.hyperscan.jni.hyperscan.HS_SUCCESS;
import static com.gliwka.hyperscan.jni.hyperscan.hs_alloc_scratch;
import static com.gliwka.hyperscan.jni.hyperscan.hs_compile_multi;
import static com.gliwka.hyperscan.jni.hyperscan.hs_free_database;
import static com.gliwka.hyperscan.jni.hyperscan.hs_free_scratch;
import static com.gliwka.hyperscan.jni.hyperscan.hs_scan;

import com.gliwka.hyperscan.jni.hs_compile_error_t;
import com.gliwka.hyperscan.jni.hs_database_t;
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
 * Hyperscan as a prefilter: one block-mode database of every pattern with leftmost start of match.
 * A scan runs natively over the whole text and records every span each pattern reported; the
 * shared extraction then runs per pattern over the clusters those spans form, and nowhere else.
 * Every match the extraction can find ends where Hyperscan reported an end, with a leftmost start
 * no later than its own, so it lies inside one cluster and nothing lies between clusters: the
 * findings equal the pure-Java engine's. Text without PII costs one native pass.
 */
public final class HyperscanEngine implements PiiEngine {
    private final CompiledCatalogue compiled;
    private final hs_database_t database;

    public HyperscanEngine(CompiledCatalogue compiled) {
        this.compiled = compiled;
        this.database = compileBlockDatabase(compiled.sources);
    }

    /**
     * One block-mode database of {@code sources} (ids = indexes) with leftmost start of match; the
     * caller frees it with {@code hs_free_database}. Public for benchmarks that need the same
     * database without the engine around it.
     */
    public static hs_database_t compileBlockDatabase(String[] sources) {
        int count = sources.length;
        int[] flags = new int[count];
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) {
            flags[i] = HS_FLAG_SOM_LEFTMOST;
            ids[i] = i;
        }
        try (PointerPointer<?> expressions = new PointerPointer<>(count).putString(sources, StandardCharsets.UTF_8);
             IntPointer flagPointer = new IntPointer(flags);
             IntPointer idPointer = new IntPointer(ids);
             PointerPointer<hs_database_t> databaseOut = new PointerPointer<>(1);
             PointerPointer<hs_compile_error_t> errorOut = new PointerPointer<>(1)) {
            int mode = HS_MODE_BLOCK;
            int result = hs_compile_multi(expressions, flagPointer, idPointer, count, mode, null, databaseOut, errorOut);
            if (result != HS_SUCCESS) {
                hs_compile_error_t error = errorOut.get(hs_compile_error_t.class);
                String message = error == null || error.isNull() ? "error " + result : error.message().getString();
                int expression = error == null || error.isNull() ? -1 : error.expression();
                throw new IllegalArgumentException("Hyperscan cannot compile "
                        + (expression >= 0 && expression < count ? "pattern '" + sources[expression] + "'" : "the catalogue")
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
        hs_free_database(database);
    }

    /** Scratch space, a native copy of the text, the match recorder and the extractor of one thread. */
    private final class HyperscanScanner implements PiiScanner {
        private final hs_scratch_t scratch = new hs_scratch_t();
        private final Recorder recorder = new Recorder(compiled.patterns.length);
        private final FindingExtractor extractor = new FindingExtractor(compiled);
        private BytePointer data = new BytePointer(64 * 1024);
        private long capacity = 64 * 1024;

        HyperscanScanner() {
            int result = hs_alloc_scratch(database, scratch);
            if (result != HS_SUCCESS) {
                throw new IllegalStateException("Hyperscan cannot allocate scratch space: error " + result);
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
            int result = hs_scan(database, data, length, 0, scratch, recorder, null);
            if (result != HS_SUCCESS) {
                throw new IllegalStateException("Hyperscan scan failed: error " + result);
            }
            extractor.begin(text, length);
            for (int p = 0; p < recorder.patterns(); p++) {
                if (recorder.count(p) == 0) {
                    continue;
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

        Recorder(int patterns) {
            spans = new long[patterns][8];
            counts = new int[patterns];
        }

        void reset() {
            Arrays.fill(counts, 0);
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
            list[n] = (from << 32) | (to & 0xffffffffL);
            counts[id] = n + 1;
            return 0;
        }
    }
}
