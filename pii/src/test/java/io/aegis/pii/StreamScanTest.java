package io.aegis.pii;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.natives.HyperscanSupport;
import io.aegis.pii.corpus.CorpusGenerator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A stream decides what a block scan of the whole text finds, wherever the text is split, and holds
 * back only a bounded tail.
 */
class StreamScanTest {
    private static final int HOLDBACK = 256;
    private static PiiCatalogue catalogue;
    private static final List<PiiEngine> ENGINES = new ArrayList<>();

    @BeforeAll
    static void build() throws Exception {
        catalogue = CatalogueTest.shipped();
        ENGINES.add(PiiEngines.java(catalogue));
        if (HyperscanSupport.current().available()) {
            ENGINES.add(PiiEngines.hyperscan(catalogue));
        }
    }

    @AfterAll
    static void close() {
        ENGINES.forEach(PiiEngine::close);
    }

    static Stream<PiiEngine> engines() {
        return ENGINES.stream();
    }

    private static final String EVERY_TYPE = "Héllo ☃ — write to jane.doe@example.com or call (415) 555-0132 / "
            + "+44 20 7946 0958. Card 4111 1111 1111 1111, visa 4241 1742 1386 4, diners 3024 7310 6419 40, "
            + "SSN 536-22-1234, IBAN DE89370400440532013000 and IR12 0900 5020 5070 1041 0610 43, from "
            + "192.168.1.20 and 2001:db8::8a2e:370:7334, key AKIAIOSFODNN7EXAMPLE, sk-ant-api03-"
            + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ_-klmnop. Not 4111 1111 1111 1112 nor 12:30:45.";

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("engines")
    void splitAtEveryByteIntoTwoPiecesFindsWhatTheBlockScanFinds(PiiEngine engine) {
        byte[] text = EVERY_TYPE.getBytes(StandardCharsets.UTF_8);
        try (PiiScanner scanner = engine.newScanner(); PiiStream stream = scanner.openStream(HOLDBACK)) {
            List<String> whole = block(scanner, text);
            assertEquals(13, whole.size(), "the block scan finds every planted value: " + whole);
            for (int cut = 0; cut <= text.length; cut++) {
                assertEquals(whole, streamed(stream, text, new int[] {cut}), "split at byte " + cut);
            }
        }
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("engines")
    void splitAtEveryPairOfBytesIntoThreePiecesFindsWhatTheBlockScanFinds(PiiEngine engine) {
        // Around each value in turn, every pair of cuts within it and its neighbours.
        String[] values = {"jane.doe@example.com", "(415) 555-0132", "4241 1742 1386 4",
            "IR12 0900 5020 5070 1041 0610 43", "2001:db8::8a2e:370:7334", "AKIAIOSFODNN7EXAMPLE"};
        try (PiiScanner scanner = engine.newScanner(); PiiStream stream = scanner.openStream(HOLDBACK)) {
            for (String value : values) {
                byte[] text = ("say é " + value + ", ok").getBytes(StandardCharsets.UTF_8);
                List<String> whole = block(scanner, text);
                assertEquals(1, whole.size(), value + ": " + whole);
                for (int first = 0; first <= text.length; first++) {
                    for (int second = first; second <= text.length; second++) {
                        assertEquals(whole, streamed(stream, text, new int[] {first, second}),
                                value + " split at " + first + " and " + second);
                    }
                }
            }
        }
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("engines")
    void theCorpusInRandomPiecesFindsWhatTheBlockScanFinds(PiiEngine engine) {
        SplittableRandom random = new SplittableRandom(7);
        try (PiiScanner scanner = engine.newScanner(); PiiStream stream = scanner.openStream(HOLDBACK)) {
            for (CorpusGenerator.Sample sample : new CorpusGenerator(11).samples(600)) {
                byte[] text = sample.text().getBytes(StandardCharsets.UTF_8);
                int[] cuts = new int[random.nextInt(1, 12)];
                for (int i = 0; i < cuts.length; i++) {
                    cuts[i] = random.nextInt(text.length + 1);
                }
                Arrays.sort(cuts);
                assertEquals(block(scanner, text), streamed(stream, text, cuts), sample.text());
            }
        }
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("engines")
    void tenMegabytesInSmallDeltasKeepsTheHoldBackBounded(PiiEngine engine) {
        byte[] chunk = ("The quarterly numbers look fine; mail jane.doe@example.com or call (415) 555-0132 "
                + "about card 4111 1111 1111 1111. Order 20240315 shipped, version 1.2.3, total 1,234.50 — ok. ")
                .getBytes(StandardCharsets.UTF_8);
        try (PiiScanner scanner = engine.newScanner(); PiiStream stream = scanner.openStream(HOLDBACK)) {
            int findings = 0;
            int maxUndecided = 0;
            int fed = 0;
            int delta = 23; // a few tokens
            int at = 0;
            while (fed < 10 * 1024 * 1024) {
                int n = Math.min(delta, chunk.length - at);
                stream.append(chunk, at, n);
                at = (at + n) % chunk.length;
                fed += n;
                findings += stream.decided().size();
                assertTrue(stream.decided().size() == 0
                        || stream.decided().end(stream.decided().size() - 1) <= stream.decidedUpTo());
                stream.takeDecided();
                stream.release(stream.decidedUpTo());
                maxUndecided = Math.max(maxUndecided, stream.end() - stream.decidedUpTo());
            }
            stream.finish();
            findings += stream.decided().size();
            int copies = fed / chunk.length;
            assertTrue(findings >= 3 * copies && findings <= 3 * (copies + 1), "findings " + findings);
            assertTrue(maxUndecided <= HOLDBACK, "held back at most " + maxUndecided + " bytes");
            assertEquals(4096, stream.bufferBytes(), "the buffer never grew");
            assertTrue(stream.end() - stream.decidedUpTo() == 0);
        }
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("engines")
    void proseIsReleasedWordByWord(PiiEngine engine) {
        byte[] text = "Sure, here is the summary you asked for. ".getBytes(StandardCharsets.UTF_8);
        try (PiiScanner scanner = engine.newScanner(); PiiStream stream = scanner.openStream(HOLDBACK)) {
            stream.append(text, 0, text.length);
            // Letters can still begin an e-mail or a key; the words before the last one cannot.
            assertTrue(stream.decidedUpTo() >= text.length - 8, "decided up to " + stream.decidedUpTo());
        }
    }

    private static List<String> block(PiiScanner scanner, byte[] text) {
        Findings findings = new Findings();
        scanner.scan(text, text.length, findings);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < findings.size(); i++) {
            out.add(describe(text, findings.type(i), findings.start(i), findings.end(i)));
        }
        return out;
    }

    /** Feeds the text cut at {@code cuts}, releasing as it goes, and collects the decided findings. */
    private static List<String> streamed(PiiStream stream, byte[] text, int[] cuts) {
        stream.reset();
        List<String> out = new ArrayList<>();
        int from = 0;
        int lastDecided = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : text.length;
            stream.append(text, from, to - from);
            from = to;
            assertTrue(stream.decidedUpTo() >= lastDecided, "decided text never becomes undecided");
            lastDecided = stream.decidedUpTo();
            take(stream, text, out);
        }
        stream.finish();
        assertEquals(text.length, stream.decidedUpTo());
        take(stream, text, out);
        return out;
    }

    private static void take(PiiStream stream, byte[] text, List<String> out) {
        Findings decided = stream.decided();
        for (int i = 0; i < decided.size(); i++) {
            assertTrue(decided.end(i) <= stream.decidedUpTo());
            out.add(describe(text, decided.type(i), decided.start(i), decided.end(i)));
        }
        stream.takeDecided();
        stream.release(stream.decidedUpTo());
    }

    private static String describe(byte[] text, int type, int start, int end) {
        return catalogue.types().get(type).name() + ":" + new String(text, start, end - start, StandardCharsets.UTF_8);
    }
}
