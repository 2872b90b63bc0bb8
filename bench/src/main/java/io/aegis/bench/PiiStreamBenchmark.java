package io.aegis.bench;

import static com.gliwka.hyperscan.jni.hyperscan.HS_SUCCESS;
import static com.gliwka.hyperscan.jni.hyperscan.hs_alloc_scratch;
import static com.gliwka.hyperscan.jni.hyperscan.hs_close_stream;
import static com.gliwka.hyperscan.jni.hyperscan.hs_free_database;
import static com.gliwka.hyperscan.jni.hyperscan.hs_free_scratch;
import static com.gliwka.hyperscan.jni.hyperscan.hs_open_stream;
import static com.gliwka.hyperscan.jni.hyperscan.hs_scan_stream;

import com.gliwka.hyperscan.jni.hs_database_t;
import com.gliwka.hyperscan.jni.hs_scratch_t;
import com.gliwka.hyperscan.jni.hs_stream_t;
import com.gliwka.hyperscan.jni.match_event_handler;
import io.aegis.pii.CatalogueReader;
import io.aegis.pii.PiiCatalogue;
import io.aegis.pii.PiiEngine;
import io.aegis.pii.PiiEngines;
import io.aegis.pii.PiiScanner;
import io.aegis.pii.PiiStream;
import io.aegis.pii.engine.CompiledCatalogue;
import io.aegis.pii.engine.HyperscanEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A streamed answer's text scanned as it arrives, against raw Hyperscan stream mode over the same
 * bytes in the same pieces: the engine's two stream-mode databases, a stream opened per answer, each
 * piece copied to native memory and scanned, a callback that does nothing, the stream closed. Aegis
 * adds the hold-back (what is still undecided), the span recording, the Java extraction where
 * something matched, validation and overlap resolution. One op is one whole answer. Run from the
 * project root (it reads {@code configs/pii.yaml}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "--enable-native-access=ALL-UNNAMED"})
public class PiiStreamBenchmark {
    /** The answer's size in bytes. */
    @Param({"65536"})
    public int size;

    /** Bytes per piece: an SSE delta of a few tokens. */
    @Param({"16", "64"})
    public int delta;

    @Param({"mixed", "clean"})
    public String content;

    private static final int HOLDBACK = 256;
    private byte[] text;
    private PiiEngine hyperscan;
    private PiiEngine java;
    private PiiScanner hyperscanScanner;
    private PiiScanner javaScanner;
    private PiiStream hyperscanStream;
    private PiiStream javaStream;
    private hs_database_t[] rawDatabases;
    private hs_scratch_t rawScratch;
    private BytePointer rawData;
    private NoOp noOp;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        PiiCatalogue catalogue = CatalogueReader.read(Path.of("configs/pii.yaml"));
        text = PiiScanBenchmark.text(size, 42, content.equals("clean")).getBytes(StandardCharsets.UTF_8);
        hyperscan = PiiEngines.hyperscan(catalogue);
        java = PiiEngines.java(catalogue);
        hyperscanScanner = hyperscan.newScanner();
        javaScanner = java.newScanner();
        hyperscanStream = hyperscanScanner.openStream(HOLDBACK);
        javaStream = javaScanner.openStream(HOLDBACK);
        rawDatabases = HyperscanEngine.compileStreamDatabases(new CompiledCatalogue(catalogue).patternSources());
        rawScratch = new hs_scratch_t();
        for (hs_database_t database : rawDatabases) {
            if (database != null) {
                check(hs_alloc_scratch(database, rawScratch));
            }
        }
        rawData = new BytePointer(delta);
        noOp = new NoOp();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        hyperscanStream.close();
        javaStream.close();
        hyperscanScanner.close();
        javaScanner.close();
        hyperscan.close();
        java.close();
        hs_free_scratch(rawScratch);
        for (hs_database_t database : rawDatabases) {
            if (database != null) {
                hs_free_database(database);
            }
        }
        rawData.close();
        noOp.close();
    }

    /** Baseline: open both streams, scan each piece (copied to native memory), close them. */
    @Benchmark
    public int rawHyperscanStream() {
        hs_stream_t[] streams = new hs_stream_t[rawDatabases.length];
        for (int d = 0; d < rawDatabases.length; d++) {
            if (rawDatabases[d] != null) {
                streams[d] = new hs_stream_t();
                check(hs_open_stream(rawDatabases[d], 0, streams[d]));
            }
        }
        int result = 0;
        for (int from = 0; from < text.length; from += delta) {
            int n = Math.min(delta, text.length - from);
            rawData.position(0).put(text, from, n);
            for (hs_stream_t stream : streams) {
                if (stream != null) {
                    result |= hs_scan_stream(stream, rawData, n, 0, rawScratch, noOp, null);
                }
            }
        }
        for (hs_stream_t stream : streams) {
            if (stream != null) {
                result |= hs_close_stream(stream, rawScratch, noOp, null);
            }
        }
        return result;
    }

    @Benchmark
    public int aegisHyperscanStream() {
        return stream(hyperscanStream);
    }

    @Benchmark
    public int aegisJavaStream() {
        return stream(javaStream);
    }

    /** The answer in pieces, each decided finding taken and the released text let go, as the gateway does. */
    private int stream(PiiStream stream) {
        stream.reset();
        int found = 0;
        for (int from = 0; from < text.length; from += delta) {
            stream.append(text, from, Math.min(delta, text.length - from));
            found += stream.decided().size();
            stream.takeDecided();
            stream.release(stream.decidedUpTo());
        }
        stream.finish();
        found += stream.decided().size();
        stream.takeDecided();
        return found;
    }

    private static void check(int result) {
        if (result != HS_SUCCESS) {
            throw new IllegalStateException("Hyperscan error " + result);
        }
    }

    private static final class NoOp extends match_event_handler {
        @Override
        public int call(int id, long from, long to, int flags, Pointer context) {
            return 0;
        }
    }
}
