package io.aegis.gateway.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.Part;
import com.google.genai.types.ThinkingConfig;
import io.aegis.wire.Provider;
import io.aegis.gateway.testing.TestGateway;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The official Google Gen AI Java SDK, unchanged but for its base URL, through the gateway to the mock. */
class GeminiSdkTest {
    private static final String PROMPT = "Name three things a gateway checks on every request.";
    private static final long INPUT_TOKENS = (PROMPT.length() + 3) / 4;
    private static final long OUTPUT_TOKENS = 10 + INPUT_TOKENS % 23;

    @RegisterExtension
    static final TestGateway.PerClass gateway = new TestGateway.PerClass(TestGateway.builder());

    private static Client client(String apiVersion) {
        return Client.builder()
                .apiKey(TestGateway.ACME_KEY)
                .httpOptions(HttpOptions.builder().baseUrl(gateway.baseUrl()).apiVersion(apiVersion).build())
                .build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1beta", "v1"})
    void generateContentArrivesIntactWithUsage(String apiVersion) {
        GenerateContentResponse response = client(apiVersion).models.generateContent("gemini-2.5-flash", PROMPT, null);
        assertEquals(OUTPUT_TOKENS, response.text().split(" ").length, response.text());
        GenerateContentResponseUsageMetadata usage = response.usageMetadata().orElseThrow();
        assertEquals(INPUT_TOKENS, (long) usage.promptTokenCount().orElseThrow());
        assertEquals(OUTPUT_TOKENS, (long) usage.candidatesTokenCount().orElseThrow());

        TestGateway.Completed done = gateway.nextCompleted();
        assertEquals(Provider.GEMINI, done.provider());
        assertEquals("gemini-2.5-flash", done.model());
        assertEquals("acme", done.tenant());
        assertEquals(INPUT_TOKENS, done.inputTokens());
        assertEquals(OUTPUT_TOKENS, done.outputTokens());
    }

    @Test
    void streamedContentArrivesIntactAndUsageIsTheLastChunksNotASum() {
        StringBuilder text = new StringBuilder();
        GenerateContentResponseUsageMetadata last = null;
        int chunks = 0;
        try (ResponseStream<GenerateContentResponse> stream = client("v1beta").models.generateContentStream(
                "gemini-2.5-flash", List.of(Content.fromParts(Part.fromText(PROMPT))), null)) {
            for (GenerateContentResponse chunk : stream) {
                chunks++;
                text.append(chunk.text());
                if (chunk.usageMetadata().isPresent()) {
                    last = chunk.usageMetadata().get();
                }
            }
        }
        assertTrue(chunks > 2, "the answer came in several chunks: " + chunks);
        assertEquals(OUTPUT_TOKENS, text.toString().split(" ").length, text.toString());
        assertEquals(OUTPUT_TOKENS, (long) last.candidatesTokenCount().orElseThrow());

        TestGateway.Completed done = gateway.nextCompleted();
        assertEquals(INPUT_TOKENS, done.inputTokens(), "prompt counted once, not per chunk");
        assertEquals(OUTPUT_TOKENS, done.outputTokens(), "the last chunk's count, not the sum of running totals");
    }

    @Test
    void thinkingTokensAreCountedAsOutput() {
        GenerateContentConfig config = GenerateContentConfig.builder()
                .thinkingConfig(ThinkingConfig.builder().thinkingBudget(40).build()).build();
        GenerateContentResponse response = client("v1beta").models.generateContent("gemini-2.5-pro", PROMPT, config);
        assertEquals(40, (long) response.usageMetadata().orElseThrow().thoughtsTokenCount().orElseThrow());
        TestGateway.Completed done = gateway.nextCompleted();
        assertEquals(40, done.thoughtsTokens());
        assertEquals(OUTPUT_TOKENS + 40, done.outputTokens());
    }

    @Test
    void countTokensAndEmbedContentPassThrough() {
        Client client = client("v1beta");
        assertEquals(INPUT_TOKENS, (long) client.models.countTokens("gemini-2.5-flash", PROMPT, null)
                .totalTokens().orElseThrow());
        assertEquals(16, client.models.embedContent("text-embedding-004", PROMPT, null)
                .embeddings().orElseThrow().get(0).values().orElseThrow().size());
        gateway.nextCompleted();
        gateway.nextCompleted();
    }

    @Test
    void unknownKeyIsRefusedInGeminisErrorShape() {
        Client stranger = Client.builder().apiKey("not-a-gateway-key")
                .httpOptions(HttpOptions.builder().baseUrl(gateway.baseUrl()).apiVersion("v1beta").build()).build();
        com.google.genai.errors.ClientException error = assertThrows(com.google.genai.errors.ClientException.class,
                () -> stranger.models.generateContent("gemini-2.5-flash", PROMPT, null));
        assertEquals(401, error.code());
        assertEquals("UNAUTHENTICATED", error.status());
        gateway.nextCompleted();
    }
}
