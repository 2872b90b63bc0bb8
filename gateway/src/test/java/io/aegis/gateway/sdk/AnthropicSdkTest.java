package io.aegis.gateway.sdk;

import io.aegis.gateway.error.ErrorClass;
import io.aegis.trace.Outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import io.aegis.wire.Provider;
import io.aegis.gateway.testing.TestGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The official Anthropic Java SDK, unchanged but for its base URL, through the gateway to the mock. */
class AnthropicSdkTest {
    private static final String PROMPT = "Summarise the gateway's job in one line, please.";
    /** The mock's rule: ceil(length / 4) tokens per text, reply of 10 + input % 23 words. */
    private static final long INPUT_TOKENS = (PROMPT.length() + 3) / 4;
    private static final long OUTPUT_TOKENS = 10 + INPUT_TOKENS % 23;
    private static final AtomicInteger UNIQUE = new AtomicInteger();

    @RegisterExtension
    static final TestGateway.PerClass gateway = new TestGateway.PerClass(TestGateway.builder());

    private static AnthropicClient client(boolean bearer, int maxRetries) {
        AnthropicOkHttpClient.Builder builder = AnthropicOkHttpClient.builder()
                .baseUrl(gateway.baseUrl())
                .maxRetries(maxRetries)
                .timeout(Duration.ofSeconds(20));
        return (bearer ? builder.authToken(TestGateway.ACME_KEY) : builder.apiKey(TestGateway.ACME_KEY)).build();
    }

    private static MessageCreateParams params(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(256).addUserMessage(PROMPT).build();
    }

    @Test
    void nonStreamingMessageArrivesIntactWithUsage() {
        AnthropicClient client = client(false, 0);
        HttpResponseFor<Message> raw = client.messages().withRawResponse().create(params("claude-sonnet-4-5"));
        Message message = raw.parse();

        String text = message.content().get(0).asText().text();
        assertEquals(OUTPUT_TOKENS, text.split(" ").length, "reply words: " + text);
        assertEquals(INPUT_TOKENS, message.usage().inputTokens());
        assertEquals(OUTPUT_TOKENS, message.usage().outputTokens());
        // The caller's virtual key was swapped for the provider key before the request left the gateway.
        assertEquals("x-api-key " + TestGateway.keyId(TestGateway.PROVIDER_KEY),
                raw.headers().values("x-mock-received-auth").get(0));
        assertTrue(raw.headers().values("request-id").get(0).startsWith("req_mock_"));
        assertFalse(raw.headers().values("anthropic-ratelimit-requests-remaining").isEmpty());

        TestGateway.Completed done = gateway.nextCompleted();
        assertEquals(Provider.ANTHROPIC, done.provider());
        assertEquals("acme", done.tenant());
        assertEquals(200, done.status());
        assertEquals(Outcome.COMPLETED, done.outcome());
        assertEquals(INPUT_TOKENS, done.inputTokens());
        assertEquals(OUTPUT_TOKENS, done.outputTokens());
    }

    @Test
    void bearerTokenAuthenticatesTheSameTenant() {
        Message message = client(true, 0).messages().create(params("claude-haiku-4-5"));
        assertEquals(OUTPUT_TOKENS, message.usage().outputTokens());
        TestGateway.Completed done = gateway.nextCompleted();
        assertEquals("acme", done.tenant());
        assertEquals(TestGateway.keyId(TestGateway.ACME_KEY), done.keyId());
    }

    @Test
    void streamedMessageArrivesIntactAndUsageIsReadFromTheStream() {
        List<String> eventTypes = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        long[] output = {-1};
        long[] input = {-1};
        try (StreamResponse<RawMessageStreamEvent> stream =
                     client(false, 0).messages().createStreaming(params("claude-sonnet-4-5"))) {
            stream.stream().forEach(event -> {
                event.messageStart().ifPresent(start -> {
                    eventTypes.add("message_start");
                    input[0] = start.message().usage().inputTokens();
                });
                event.contentBlockDelta().ifPresent(delta -> {
                    eventTypes.add("content_block_delta");
                    delta.delta().text().ifPresent(t -> text.append(t.text()));
                });
                event.messageDelta().ifPresent(delta -> {
                    eventTypes.add("message_delta");
                    output[0] = delta.usage().outputTokens();
                });
                event.messageStop().ifPresent(stop -> eventTypes.add("message_stop"));
            });
        }
        assertEquals("message_start", eventTypes.get(0));
        assertEquals("message_stop", eventTypes.get(eventTypes.size() - 1));
        assertEquals(OUTPUT_TOKENS, text.toString().split(" ").length, "streamed text: " + text);
        assertEquals(INPUT_TOKENS, input[0]);
        assertEquals(OUTPUT_TOKENS, output[0]);

        TestGateway.Completed done = gateway.nextCompleted();
        assertTrue(done.usageSeen());
        assertEquals(INPUT_TOKENS, done.inputTokens());
        assertEquals(OUTPUT_TOKENS, done.outputTokens(), "output comes from the last message_delta");
    }

    @Test
    void aRateLimitedAttemptIsRetriedByTheGatewayBeforeTheSdkSeesIt() {
        String model = "claude-haiku-4-5-fault-429x1-" + UNIQUE.incrementAndGet();
        Message message = client(false, 0).messages().create(params(model));
        assertEquals(OUTPUT_TOKENS, message.usage().outputTokens());

        TestGateway.Completed done = gateway.nextCompleted();
        assertEquals(200, done.status());
        assertEquals(2, done.attempts());
        assertEquals(1, done.retries());
        assertTrue(done.attemptLog().matches("t0/[0-9a-f]{12}:429 t0/[0-9a-f]{12}:200"), done.attemptLog());
    }

    @Test
    void a429OutlastingTheRetriesSurfacesAsTheProvidersError() {
        String model = "claude-haiku-4-5-fault-429x9-" + UNIQUE.incrementAndGet();
        AnthropicServiceException error = assertThrows(AnthropicServiceException.class,
                () -> client(false, 0).messages().create(params(model)));
        assertEquals(429, error.statusCode());
        assertFalse(error.headers().values("retry-after").isEmpty(), "retry-after reaches the caller");
        assertFalse(error.headers().values("retry-after-ms").isEmpty(), "retry-after-ms reaches the caller");
        TestGateway.Completed done = gateway.nextCompleted();
        assertEquals(3, done.attempts(), "max_attempts is 3 by default");
        assertEquals(ErrorClass.UPSTREAM_RETRIES_EXHAUSTED, done.errorClass());
    }

    @Test
    void midStreamResetSurfacesAsAnSdkException() {
        String model = "claude-sonnet-4-5-fault-reset_mid_stream";
        List<String> seen = new ArrayList<>();
        assertThrows(RuntimeException.class, () -> {
            try (StreamResponse<RawMessageStreamEvent> stream =
                         client(false, 0).messages().createStreaming(params(model))) {
                stream.stream().forEach(event -> seen.add(String.valueOf(event.isMessageStart())));
            }
        });
        assertFalse(seen.isEmpty(), "events before the reset reached the caller");
        TestGateway.Completed done = gateway.nextCompleted();
        assertEquals(Outcome.UPSTREAM_FAILED, done.outcome());
        assertEquals(ErrorClass.UPSTREAM_RESET, done.errorClass());
        assertEquals(INPUT_TOKENS, done.inputTokens(), "usage seen before the cut is kept");
    }

    @Test
    void inStreamErrorEventSurfacesAsAnSdkException() {
        String model = "claude-sonnet-4-5-fault-stream_error";
        assertThrows(RuntimeException.class, () -> {
            try (StreamResponse<RawMessageStreamEvent> stream =
                         client(false, 0).messages().createStreaming(params(model))) {
                stream.stream().forEach(event -> { });
            }
        });
        TestGateway.Completed done = gateway.nextCompleted();
        assertTrue(done.streamError(), "the gateway saw the provider's in-stream error event");
    }
}
