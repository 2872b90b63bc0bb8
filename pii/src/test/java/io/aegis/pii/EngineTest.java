package io.aegis.pii;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aegis.natives.HyperscanSupport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What the engines find, by type and exact byte span, in text with neighbours and non-ASCII. */
class EngineTest {
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

    private static List<String> scan(PiiEngine engine, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Findings findings = new Findings();
        try (PiiScanner scanner = engine.newScanner()) {
            scanner.scan(bytes, bytes.length, findings);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < findings.size(); i++) {
            out.add(catalogue.types().get(findings.type(i)).name() + ":"
                    + new String(bytes, findings.start(i), findings.end(i) - findings.start(i), StandardCharsets.UTF_8));
        }
        return out;
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("engines")
    void findsEachTypeWithItsExactSpan(PiiEngine engine) {
        String text = "Héllo ☃ — write to jane.doe@example.com or call (415) 555-0132 / +44 20 7946 0958. "
                + "Card 4111 1111 1111 1111, SSN 536-22-1234, IBAN DE89370400440532013000, "
                + "from 192.168.1.20 and 2001:db8::8a2e:370:7334, key AKIAIOSFODNN7EXAMPLE.";
        assertEquals(List.of("EMAIL:jane.doe@example.com", "PHONE:(415) 555-0132", "PHONE:+44 20 7946 0958",
                "CREDIT_CARD:4111 1111 1111 1111", "US_SSN:536-22-1234", "IBAN:DE89370400440532013000",
                "IP_ADDRESS:192.168.1.20", "IP_ADDRESS:2001:db8::8a2e:370:7334", "API_KEY:AKIAIOSFODNN7EXAMPLE"),
                scan(engine, text), engine.name());
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("engines")
    void nearMissesAreNotFound(PiiEngine engine) {
        String text = "order 4111111111111112 (bad Luhn), ssn 666-12-3456, iban DE89370400440532013001, "
                + "ip 256.1.1.1, version 1.2.3, at 12:30:45, mac 00:1a:2b:3c:4d:5e, id 550e8400-e29b-41d4-a716-446655440000, "
                + "sha 9fceb02d0ae598e95dc970b74767f19372d61af8, price $1,234.56, date 2024-03-15, logo@2x.png";
        assertEquals(List.of(), scan(engine, text), engine.name());
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("engines")
    void aCardInsideALongerDigitRunIsNotACardButOneBesideItIs(PiiEngine engine) {
        assertEquals(List.of(), scan(engine, "ref 94111111111111111 end"), engine.name());
        assertEquals(List.of("CREDIT_CARD:4111111111111111"), scan(engine, "ref 1234 4111111111111111 end"),
                engine.name());
        assertEquals(List.of("CREDIT_CARD:4111111111111111"), scan(engine, "4111111111111111 2024"), engine.name());
    }
}
