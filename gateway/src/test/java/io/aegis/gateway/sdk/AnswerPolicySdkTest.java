package io.aegis.gateway.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import io.aegis.gateway.error.ErrorClass;
import io.aegis.gateway.testing.TestGateway;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The official Anthropic SDK against a tenant whose answers are held to its policy: the streamed and
 * whole answers it assembles carry the caller's own values back and the answer's phone masked, and
 * a blocked value ends the stream with an error the SDK raises.
 */
class AnswerPolicySdkTest {
    @RegisterExtension
    static final TestGateway.PerClass gateway = new TestGateway.PerClass(TestGateway.builder()
            .acmePiiPolicy("{EMAIL: redact, restore: true, response: {PHONE: redact, CREDIT_CARD: block}}"));

    private static AnthropicClient client() {
        return AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey(TestGateway.ACME_KEY)
                .putHeader("x-mock-echo", "prompt").maxRetries(0).timeout(Duration.ofSeconds(20)).build();
    }

    private static MessageCreateParams params(String prompt) {
        return MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(256).addUserMessage(prompt).build();
    }

    @Test
    void theSdkAssemblesTheRestoredAndRedactedAnswer() {
        String prompt = "mail jane.doe@example.com or call 415-555-0132 today";
        String expected = "mail jane.doe@example.com or call ********0132 today";
        StringBuilder text = new StringBuilder();
        try (StreamResponse<RawMessageStreamEvent> stream = client().messages().createStreaming(params(prompt))) {
            stream.stream().forEach(event -> event.contentBlockDelta()
                    .ifPresent(delta -> delta.delta().text().ifPresent(t -> text.append(t.text()))));
        }
        assertEquals(expected, text.toString());
        TestGateway.Completed done = gateway.nextCompleted();
        assertEquals(1, done.restored());
        assertEquals(Map.of("PHONE", 1), done.answerPii());

        Message message = client().messages().create(params(prompt));
        assertEquals(expected, message.content().get(0).asText().text());
        gateway.nextCompleted();
    }

    @Test
    void openAiCallersGetTheSameRestoredAndRedactedAnswer() {
        com.openai.client.OpenAIClient openAi = com.openai.client.okhttp.OpenAIOkHttpClient.builder()
                .baseUrl(gateway.baseUrl() + "/v1").apiKey(TestGateway.ACME_KEY).putHeader("x-mock-echo", "prompt")
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
        var params = com.openai.models.chat.completions.ChatCompletionCreateParams.builder().model("claude-sonnet-4-5")
                .addUserMessage("mail jane.doe@example.com or call 415-555-0132 today").build();
        StringBuilder text = new StringBuilder();
        try (var stream = openAi.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        }
        // The answer policy works on the native answer; the translation comes after it.
        assertEquals("mail jane.doe@example.com or call ********0132 today", text.toString().trim());
        TestGateway.Completed done = gateway.nextCompleted();
        assertEquals(1, done.restored());
        assertEquals("openai", done.api());
    }

    @Test
    void aBlockedValueEndsTheStreamWithAnErrorTheSdkRaises() {
        StringBuilder text = new StringBuilder();
        RuntimeException error = assertThrows(RuntimeException.class, () -> {
            try (StreamResponse<RawMessageStreamEvent> stream =
                         client().messages().createStreaming(params("the card is 4111 1111 1111 1111, ok"))) {
                stream.stream().forEach(event -> event.contentBlockDelta()
                        .ifPresent(delta -> delta.delta().text().ifPresent(t -> text.append(t.text()))));
            }
        });
        assertTrue(String.valueOf(error.getMessage()).contains("CREDIT_CARD"), String.valueOf(error.getMessage()));
        assertFalse(text.toString().contains("4111"), text.toString());
        assertEquals(ErrorClass.PII_BLOCKED_RESPONSE, gateway.nextCompleted().errorClass());
    }
}
