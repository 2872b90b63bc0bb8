package io.aegis.gateway.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a request costs, through the proxy and the mock's documented usage (a text of 4n
 * characters is n tokens; cache-marked Anthropic blocks are cache writes, or reads with
 * {@code x-mock-cache: hit}; Gemini {@code cachedContent} adds 1,000 cached tokens inside the
 * prompt count; {@code x-mock-output-tokens} words of output; thoughts up to the thinking budget).
 * Every expected cost is worked out by hand from configs/pricing.yaml's prices, in nano-dollars.
 */
class CostGatewayTest {
    private static final String ACME = "x-api-key: " + TestGateway.ACME_KEY + "\r\nx-mock-output-tokens: 20\r\n";
    private static final String ACME_GEMINI = "x-goog-api-key: " + TestGateway.ACME_KEY + "\r\nx-mock-output-tokens: 20\r\n";

    @RegisterExtension
    static final TestGateway.PerClass gateway = new TestGateway.PerClass(TestGateway.builder()
            .maxRequestBytes(4 * 1024 * 1024));

    /** A text of exactly {@code tokens} mock tokens. */
    private static String tokens(int tokens) {
        return "abc ".repeat(tokens);
    }

    static Stream<Arguments> rows() {
        List<Arguments> rows = new ArrayList<>();
        for (boolean stream : new boolean[] {false, true}) {
            // Claude Sonnet 4.5: input 3000, output 15000, cache write 3750, cache read 300; above 200k
            // 6000 / 22500 / 7500 / 600 nano-dollars a token.
            rows.add(Arguments.of("anthropic, no cache", stream, false, anthropic(stream, null, tokens(100)),
                    100L * 3000 + 20 * 15000));
            rows.add(Arguments.of("anthropic, cache write", stream, false, anthropic(stream, tokens(200), tokens(100)),
                    100L * 3000 + 200 * 3750 + 20 * 15000));
            rows.add(Arguments.of("anthropic, 1-hour cache write", stream, false,
                    anthropic(stream, tokens(200), tokens(100)).replace("\"ephemeral\"}", "\"ephemeral\",\"ttl\":\"1h\"}"),
                    100L * 3000 + 200 * 6000 + 20 * 15000));
            rows.add(Arguments.of("anthropic, cache read", stream, true, anthropic(stream, tokens(200), tokens(100)),
                    100L * 3000 + 200 * 300 + 20 * 15000));
            rows.add(Arguments.of("anthropic, above 200k", stream, false, anthropic(stream, null, tokens(200_100)),
                    200_100L * 6000 + 20 * 22500));
            rows.add(Arguments.of("anthropic, above 200k with a cache read", stream, true,
                    anthropic(stream, tokens(100_000), tokens(100_100)), 100_100L * 6000 + 100_000L * 600 + 20 * 22500));
            // Gemini 2.5 Pro: input 1250, output 10000, cache read 125; above 200k 2500 / 15000 / 250.
            rows.add(Arguments.of("gemini, no cache", stream, false, gemini(tokens(100), false, 0), 100L * 1250 + 20 * 10000));
            rows.add(Arguments.of("gemini, cache read", stream, false, gemini(tokens(100), true, 0),
                    100L * 1250 + 1000 * 125 + 20 * 10000));
            rows.add(Arguments.of("gemini, above 200k", stream, false, gemini(tokens(200_100), false, 0),
                    200_100L * 2500 + 20 * 15000));
            rows.add(Arguments.of("gemini, thoughts at the output price", stream, false, gemini(tokens(100), false, 30),
                    100L * 1250 + (20 + 30) * 10000));
        }
        return rows.stream();
    }

    private static String anthropic(boolean stream, String cachedSystem, String question) {
        String system = cachedSystem == null ? ""
                : "\"system\":[{\"type\":\"text\",\"text\":\"" + cachedSystem + "\",\"cache_control\":{\"type\":\"ephemeral\"}}],";
        return "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":1000,\"stream\":" + stream + "," + system
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
    }

    private static String gemini(String text, boolean cached, int thinkingBudget) {
        return "{" + (cached ? "\"cachedContent\":\"cachedContents/abc\"," : "")
                + "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + text + "\"}]}],"
                + "\"generationConfig\":{\"maxOutputTokens\":1000"
                + (thinkingBudget > 0 ? ",\"thinkingConfig\":{\"thinkingBudget\":" + thinkingBudget + "}" : "") + "}}";
    }

    @ParameterizedTest(name = "{0}, stream={1}")
    @MethodSource("rows")
    void everyRowIsExact(String name, boolean stream, boolean cacheHit, String body, long expectedNanos) throws IOException {
        boolean gemini = name.startsWith("gemini");
        String path = gemini ? "/v1beta/models/gemini-2.5-pro:" + (stream ? "streamGenerateContent?alt=sse" : "generateContent")
                : "/v1/messages";
        String headers = (gemini ? ACME_GEMINI : ACME) + (cacheHit ? "x-mock-cache: hit\r\n" : "");
        RawHttp.Response response;
        try (RawHttp http = new RawHttp(gateway.port())) {
            response = http.send(RawHttp.post(path, headers, body)).read();
        }
        assertEquals(200, response.status(), response.body());
        TestGateway.Completed done = gateway.nextCompleted();
        assertTrue(done.usageSeen());
        assertTrue(done.pricedKnown(), "a dated id is priced by its family");
        assertEquals(expectedNanos, done.costNanos(), name + (stream ? " (stream)" : ""));
    }
}
