package io.aegis.bench;

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
import io.aegis.gateway.request.MessageText;
import io.aegis.gateway.request.RequestBodyParser;
import io.aegis.gateway.request.RequestFacts;
import io.aegis.wire.Operation;
import io.aegis.pii.CatalogueReader;
import io.aegis.pii.Findings;
import io.aegis.pii.PiiCatalogue;
import io.aegis.pii.PiiEngine;
import io.aegis.pii.PiiEngines;
import io.aegis.pii.PiiScanner;
import io.aegis.pii.engine.CompiledCatalogue;
import io.aegis.pii.engine.HyperscanEngine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
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
 * PII scanning against raw Hyperscan in the same run: the same catalogue patterns in the same
 * databases over the same bytes (copied into native memory in both, as a request's bytes must
 * be), with a callback that does nothing. The gateway's scan adds recording each pattern's window,
 * the Java extraction where something matched, validation and overlap resolution. Texts are prose
 * with values of every type spread through them. Run from the project root (it reads
 * {@code configs/pii.yaml}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "--enable-native-access=ALL-UNNAMED"})
public class PiiScanBenchmark {
    private static final String[] PII = {"jane.doe@example.com", "(415) 555-0132", "4111 1111 1111 1111",
        "536-22-1234", "DE89370400440532013000", "192.168.1.20", "2001:db8::8a2e:370:7334", "AKIAIOSFODNN7EXAMPLE"};
    private static final String[] PROSE = {"the", "gateway", "forwards", "requests", "to", "the", "model", "and",
        "reads", "usage", "from", "each", "stream", "while", "order", "ORD-2024-000123", "shipped", "on",
        "2024-03-15", "for", "$1,234.56", "build", "v2.14.3", "took", "345", "ms"};

    @Param({"1024", "65536", "1048576"})
    public int size;

    /** {@code mixed}: values of every type through the prose; {@code clean}: the same prose without them. */
    @Param({"mixed", "clean"})
    public String content;

    private byte[] text;
    private PiiEngine hyperscan;
    private PiiEngine java;
    private PiiScanner hyperscanScanner;
    private PiiScanner javaScanner;
    private final Findings findings = new Findings();
    private hs_database_t[] rawDatabases;
    private hs_database_t asWrittenDatabase;
    private hs_scratch_t rawScratch;
    private BytePointer rawData;
    private NoOp noOp;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        PiiCatalogue catalogue = CatalogueReader.read(Path.of("configs/pii.yaml"));
        text = text(size, 42, content.equals("clean")).getBytes(StandardCharsets.UTF_8);
        hyperscan = PiiEngines.hyperscan(catalogue);
        java = PiiEngines.java(catalogue);
        hyperscanScanner = hyperscan.newScanner();
        javaScanner = java.newScanner();
        rawDatabases = HyperscanEngine.compileDatabases(new CompiledCatalogue(catalogue).patternSources());
        asWrittenDatabase = compileAsWritten(new CompiledCatalogue(catalogue).patternSources());
        rawScratch = new hs_scratch_t();
        for (hs_database_t database : rawDatabases) {
            if (database != null) {
                hs_alloc_scratch(database, rawScratch);
            }
        }
        hs_alloc_scratch(asWrittenDatabase, rawScratch);
        rawData = new BytePointer(text.length);
        noOp = new NoOp();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
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
        hs_free_database(asWrittenDatabase);
        rawData.close();
        noOp.close();
    }

    /** Baseline: copy into native memory, scan the engine's databases, a callback that does nothing. */
    @Benchmark
    public int rawHyperscan() {
        rawData.position(0).put(text, 0, text.length);
        int result = 0;
        for (hs_database_t database : rawDatabases) {
            if (database != null) {
                result |= hs_scan(database, rawData, text.length, 0, rawScratch, noOp, null);
            }
        }
        return result;
    }

    /**
     * Second baseline: the catalogue's patterns as written, in one database, with leftmost start of
     * match on those wider than 64 bytes (the plain design, before the engine's own layout).
     */
    @Benchmark
    public int rawHyperscanAsWritten() {
        rawData.position(0).put(text, 0, text.length);
        return hs_scan(asWrittenDatabase, rawData, text.length, 0, rawScratch, noOp, null);
    }

    @Benchmark
    public int aegisHyperscanEngine() {
        return hyperscanScanner.scan(text, text.length, findings);
    }

    @Benchmark
    public int aegisJavaEngine() {
        return javaScanner.scan(text, text.length, findings);
    }

    static String text(int bytes, long seed) {
        return text(bytes, seed, false);
    }

    static String text(int bytes, long seed, boolean clean) {
        Random random = new Random(seed);
        StringBuilder out = new StringBuilder(bytes + 64);
        int next = 0;
        while (out.length() < bytes) {
            // About one value per 400 bytes of prose, cycling through every type.
            if (!clean && random.nextInt(60) == 0) {
                out.append(PII[next++ % PII.length]);
            } else {
                out.append(PROSE[random.nextInt(PROSE.length)]);
            }
            out.append(random.nextInt(12) == 0 ? ". " : " ");
        }
        out.setLength(bytes);
        return out.toString();
    }

    private static hs_database_t compileAsWritten(String[] sources) {
        int[] flags = new int[sources.length];
        int[] ids = new int[sources.length];
        for (int i = 0; i < sources.length; i++) {
            ids[i] = i;
            try (BytePointer expression = new BytePointer(sources[i], StandardCharsets.UTF_8);
                 PointerPointer<hs_expr_info_t> info = new PointerPointer<>(1);
                 PointerPointer<hs_compile_error_t> error = new PointerPointer<>(1)) {
                check(hs_expression_info(expression, 0, info, error), sources[i]);
                int width = info.get(hs_expr_info_t.class).max_width();
                // max_width is unsigned: negative here means unbounded.
                flags[i] = width < 0 || width > 64 ? HS_FLAG_SOM_LEFTMOST : 0;
            }
        }
        try (PointerPointer<?> expressions = new PointerPointer<>(sources.length).putString(sources, StandardCharsets.UTF_8);
             IntPointer flagPointer = new IntPointer(flags);
             IntPointer idPointer = new IntPointer(ids);
             PointerPointer<hs_database_t> database = new PointerPointer<>(1);
             PointerPointer<hs_compile_error_t> error = new PointerPointer<>(1)) {
            check(hs_compile_multi(expressions, flagPointer, idPointer, sources.length, HS_MODE_BLOCK, null, database, error),
                    "the catalogue");
            return database.get(hs_database_t.class);
        }
    }

    private static void check(int result, String what) {
        if (result != HS_SUCCESS) {
            throw new IllegalStateException("Hyperscan cannot compile " + what + ": error " + result);
        }
    }

    /** Does nothing with a match, as the baseline asks. */
    private static final class NoOp extends match_event_handler {
        @Override
        public int call(int id, long from, long to, int flags, Pointer context) {
            return 0;
        }
    }

    /**
     * A 4 KB Anthropic request end to end as the gateway handles it: parse, decode the message text,
     * scan and validate. Sample mode gives the percentiles.
     */
    @State(Scope.Thread)
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public static class Prompt4k {
        @Param({"clean", "with-pii"})
        public String content;

        private ByteBuf body;
        private final RequestBodyParser parser = new RequestBodyParser(32 << 20);
        private final RequestFacts facts = new RequestFacts();
        private final MessageText messageText = new MessageText();
        private final Findings findings = new Findings();
        private PiiEngine engine;
        private PiiScanner scanner;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            engine = PiiEngines.hyperscan(CatalogueReader.read(Path.of("configs/pii.yaml")));
            scanner = engine.newScanner();
            String prose = text(3900, 7);
            if (content.equals("clean")) {
                prose = prose.replaceAll("[^a-z ,.$0-9-]", "");
                for (String value : PII) {
                    prose = prose.replace(value, "value");
                }
            }
            String json = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"" + prose.replace("\"", "") + "\"}]}";
            body = Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            scanner.close();
            engine.close();
            body.release();
        }

        @Benchmark
        public int parseDecodeScanValidate() {
            parser.parse(body, Operation.ANTHROPIC_MESSAGES, null, facts);
            int length = messageText.decode(body, facts);
            return scanner.scan(messageText.bytes(), length, findings);
        }
    }
}
