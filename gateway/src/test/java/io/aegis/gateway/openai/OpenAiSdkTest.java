package io.aegis.gateway.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import io.aegis.gateway.testing.TestGateway;
import io.aegis.trace.Outcome;
import io.aegis.wire.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The official OpenAI Java SDK, unchanged but for its base URL, through the gateway to the mock
 * Anthropic and Gemini upstreams: the same answers, usage and cost as the native paths.
 */
class OpenAiSdkTest {
    private static final String PROMPT = "Summarise the gateway's job in one line, please.";
    /** The mock's rule: ceil(length / 4) tokens per text, a reply of 10 + input % 23 words. */
    private static final String SYSTEM = "Be brief.";
    private static final long INPUT_TOKENS = (PROMPT.length() + 3) / 4 + (SYSTEM.length() + 3) / 4;
    private static final long OUTPUT_TOKENS = 10 + INPUT_TOKENS % 23;

    @RegisterExtension
    static final TestGateway.PerClass gateway = new TestGateway.PerClass(TestGateway.builder()
            .topExtra("openai: { model_aliases: { fast: gemini-2.5-flash, smart: anthropic/claude-sonnet-4-5 } }\n"));

    private static OpenAIClient client() {
        return OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey(TestGateway.ACME_KEY)
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
    }

    private static ChatCompletionCreateParams params(String model) {
        return ChatCompletionCreateParams.builder().model(model).addSystemMessage(SYSTEM)
                .addUserMessage(PROMPT).maxCompletionTokens(256).build();
    }

    @Test
    void wholeAnswersFromBothProvidersWithExactUsage() {
        for (String model : List.of("claude-sonnet-4-5", "gemini-2.5-flash", "smart", "fast")) {
            ChatCompletion completion = client().chat().completions().create(params(model));
            String text = completion.choices().get(0).message().content().orElseThrow();
            assertEquals(OUTPUT_TOKENS, text.split(" ").length, model + ": " + text);
            assertEquals(ChatCompletion.Choice.FinishReason.STOP, completion.choices().get(0).finishReason());
            assertEquals(INPUT_TOKENS, completion.usage().orElseThrow().promptTokens(), model);
            assertEquals(OUTPUT_TOKENS, completion.usage().orElseThrow().completionTokens(), model);
            TestGateway.Completed done = gateway.nextCompleted();
            assertEquals(model.equals("fast") || model.startsWith("gemini") ? Provider.GEMINI : Provider.ANTHROPIC,
                    done.provider());
            assertEquals(Outcome.COMPLETED, done.outcome());
            assertEquals(OUTPUT_TOKENS, done.outputTokens());
        }
    }

    @Test
    void streamedAnswersWithTheUsageChunkOnlyWhenAskedFor() {
        for (String model : List.of("claude-sonnet-4-5", "gemini-2.5-flash")) {
            for (boolean includeUsage : new boolean[] {true, false}) {
                ChatCompletionCreateParams.Builder builder = params(model).toBuilder();
                if (includeUsage) {
                    builder.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
                }
                StringBuilder text = new StringBuilder();
                List<String> finishReasons = new ArrayList<>();
                List<Long> usage = new ArrayList<>();
                try (StreamResponse<ChatCompletionChunk> stream =
                             client().chat().completions().createStreaming(builder.build())) {
                    stream.stream().forEach(chunk -> {
                        chunk.usage().ifPresent(u -> usage.add(u.completionTokens()));
                        for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                            choice.delta().content().ifPresent(text::append);
                            choice.finishReason().ifPresent(r -> finishReasons.add(r.asString()));
                        }
                    });
                }
                assertEquals(OUTPUT_TOKENS, text.toString().trim().split(" ").length, model + ": " + text);
                assertEquals(List.of("stop"), finishReasons, model);
                assertEquals(includeUsage ? List.of(OUTPUT_TOKENS) : List.of(), usage, model + " usage chunk");
                TestGateway.Completed done = gateway.nextCompleted();
                assertTrue(done.usageSeen());
                assertEquals(OUTPUT_TOKENS, done.outputTokens());
            }
        }
    }

    @Test
    void costMatchesTheNativePathToTheNanoDollar() throws Exception {
        client().chat().completions().create(ChatCompletionCreateParams.builder().model("claude-sonnet-4-5")
                .addUserMessage(PROMPT).maxTokens(256).build());
        TestGateway.Completed viaOpenAi = gateway.nextCompleted();
        try (var http = new io.aegis.gateway.testing.RawHttp(gateway.port())) {
            var response = http.send(io.aegis.gateway.testing.RawHttp.post("/v1/messages",
                    "x-api-key: " + TestGateway.ACME_KEY + "\r\n",
                    "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":256,\"messages\":[{\"role\":\"user\",\"content\":"
                            + "\"" + PROMPT.replace("'", "'") + "\"}]}")).read();
            assertEquals(200, response.status(), response.body());
        }
        TestGateway.Completed native_ = gateway.nextCompleted();
        assertEquals(native_.inputTokens(), viaOpenAi.inputTokens());
        assertEquals(native_.outputTokens(), viaOpenAi.outputTokens());
        assertTrue(native_.costNanos() > 0);
        assertEquals(native_.costNanos(), viaOpenAi.costNanos());
    }

    @Test
    void outOfRangeAndUnsupportedParametersAreRefusedNamingThem() {
        BadRequestException hot = assertThrows(BadRequestException.class, () -> client().chat().completions()
                .create(params("claude-sonnet-4-5").toBuilder().temperature(1.5).build()));
        assertEquals(400, hot.statusCode());
        assertTrue(hot.getMessage().contains("temperature"), hot.getMessage());
        gateway.nextCompleted();

        // Gemini takes temperatures up to 2: the same value goes through.
        client().chat().completions().create(params("gemini-2.5-flash").toBuilder().temperature(1.5).build());
        gateway.nextCompleted();

        BadRequestException unsupported = assertThrows(BadRequestException.class, () -> client().chat().completions()
                .create(params("claude-sonnet-4-5").toBuilder().logprobs(true).build()));
        assertTrue(unsupported.getMessage().contains("logprobs"), unsupported.getMessage());
        gateway.nextCompleted();

        OpenAIClient dropping = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1")
                .apiKey(TestGateway.ACME_KEY).putHeader("x-aegis-drop-params", "true").maxRetries(0).build();
        ChatCompletion dropped = dropping.chat().completions()
                .create(params("claude-sonnet-4-5").toBuilder().logprobs(true).build());
        assertFalse(dropped.choices().isEmpty());
        gateway.nextCompleted();

        assertThrows(BadRequestException.class, () -> client().chat().completions()
                .create(params("claude-sonnet-4-5").toBuilder().n(2).build()), "Anthropic gives one choice");
        gateway.nextCompleted();

        NotFoundException unknown = assertThrows(NotFoundException.class, () -> client().chat().completions()
                .create(params("gpt-4o")));
        assertTrue(unknown.getMessage().contains("gpt-4o"), unknown.getMessage());
        gateway.nextCompleted();
    }

    @Test
    void aStreamThatBreaksMidWayEndsWithAnErrorAndNoDone() {
        for (String model : List.of("claude-haiku-4-5-fault-reset_mid_stream", "gemini-2.5-flash-fault-reset_mid_stream",
                "gemini-2.5-flash-fault-stream_error")) {
            List<String> pieces = new ArrayList<>();
            OpenAIException error = assertThrows(OpenAIException.class, () -> {
                try (StreamResponse<ChatCompletionChunk> stream = client().chat().completions()
                        .createStreaming(params(model))) {
                    stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(pieces::add)));
                }
            }, model + ": never an empty success");
            assertFalse(String.valueOf(error.getMessage()).isEmpty());
            TestGateway.Completed done = gateway.nextCompleted();
            assertEquals(model.endsWith("stream_error") ? Outcome.COMPLETED : Outcome.UPSTREAM_FAILED, done.outcome(),
                    model);
        }
    }

    @Test
    void imagesAsDataUrlsReachBothProviders() {
        String png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
        for (String model : List.of("claude-sonnet-4-5", "gemini-2.5-flash")) {
            ChatCompletion completion = client().chat().completions().create(ChatCompletionCreateParams.builder()
                    .model(model).addUserMessageOfArrayOfContentParts(List.of(
                            com.openai.models.chat.completions.ChatCompletionContentPart.ofText(
                                    com.openai.models.chat.completions.ChatCompletionContentPartText.builder()
                                            .text("What is in this picture?").build()),
                            com.openai.models.chat.completions.ChatCompletionContentPart.ofImageUrl(
                                    com.openai.models.chat.completions.ChatCompletionContentPartImage.builder()
                                            .imageUrl(com.openai.models.chat.completions.ChatCompletionContentPartImage
                                                    .ImageUrl.builder().url(png).build()).build())))
                    .build());
            assertFalse(completion.choices().get(0).message().content().orElse("").isEmpty(), model);
            assertEquals(Outcome.COMPLETED, gateway.nextCompleted().outcome(), model);
        }
    }

    @Test
    void theModelListNamesWhatThisGatewayServes() {
        List<String> ids = new ArrayList<>();
        for (Model model : client().models().list().data()) {
            ids.add(model.id());
        }
        assertTrue(ids.contains("claude-sonnet-4-5") && ids.contains("gemini-2.5-flash"), ids.toString());
        assertTrue(ids.contains("fast") && ids.contains("smart"), "aliases too: " + ids);
        gateway.nextCompleted();
    }
}
