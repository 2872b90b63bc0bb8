package io.aegis.gateway.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.core.JsonValue;
import io.aegis.gateway.error.ErrorClass;
import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OpenAI path on the wire: the gateway's own errors and the upstreams' in OpenAI's shape with
 * OpenAI's statuses, a JSON-schema answer from a model without a JSON mode, and the trace's api.
 */
class OpenAiWireTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TestGateway.PerClass gateway = new TestGateway.PerClass(TestGateway.builder());

    private static RawHttp.Response post(String headers, String body) throws IOException {
        try (RawHttp http = new RawHttp(gateway.port())) {
            return http.send(RawHttp.post("/v1/chat/completions", headers, body)).read();
        }
    }

    private static JsonNode error(RawHttp.Response response) throws IOException {
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertTrue(error.has("message") && error.has("type") && error.has("param") && error.has("code"),
                "OpenAI's error shape: " + response.body());
        return error;
    }

    @Test
    void theGatewaysOwnErrorsAreInOpenAisShape() throws IOException {
        String bearer = "Authorization: Bearer " + TestGateway.ACME_KEY + "\r\n";
        RawHttp.Response hot = post(bearer, "{\"model\":\"claude-sonnet-4-5\",\"temperature\":3,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(400, hot.status());
        JsonNode error = error(hot);
        assertEquals("invalid_request_error", error.path("type").asText());
        assertEquals("temperature", error.path("param").asText());
        gateway.nextCompleted();

        RawHttp.Response unknownKey = post("Authorization: Bearer nope\r\n",
                "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(401, unknownKey.status());
        assertEquals("authentication_error", error(unknownKey).path("type").asText());
        gateway.nextCompleted();

        RawHttp.Response unknownModel = post(bearer, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(404, unknownModel.status());
        assertEquals("model", error(unknownModel).path("param").asText());
        gateway.nextCompleted();

        RawHttp.Response notJson = post(bearer, "{\"model\":");
        assertEquals(400, notJson.status());
        error(notJson);
        TestGateway.Completed done = gateway.nextCompleted();
        assertEquals("openai", done.api(), "the trace names the caller's API");
        assertEquals(ErrorClass.BAD_REQUEST, done.errorClass());
    }

    @Test
    void theTranslatedCallCarriesTheProvidersHeadersAndNotOpenAis() throws IOException {
        RawHttp.Response response = post("Authorization: Bearer " + TestGateway.ACME_KEY + "\r\n"
                + "OpenAI-Organization: org-123\r\nx-aegis-drop-params: true\r\n",
                "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, response.status(), response.body());
        String names = response.header("x-mock-received-header-names").toLowerCase(java.util.Locale.ROOT);
        assertTrue(names.contains("anthropic-version"), names);
        assertFalse(names.contains("openai-organization") || names.contains("x-aegis-drop-params"), names);
        assertEquals("/v1/messages", response.header("x-mock-received-path"));
        assertEquals("application/json", response.header("content-type"));
        assertEquals("chat.completion", JSON.readTree(response.body()).path("object").asText());
        gateway.nextCompleted();
    }

    @Test
    void theUpstreamsErrorsArePassedOnInOpenAisShape() throws IOException {
        RawHttp.Response overloaded = post("Authorization: Bearer " + TestGateway.ACME_KEY + "\r\n",
                "{\"model\":\"claude-haiku-4-5-fault-529\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertTrue(overloaded.status() >= 400, overloaded.body());
        JsonNode error = error(overloaded);
        assertFalse(error.path("message").asText().isEmpty());
        gateway.nextCompleted();
    }

    @Test
    void aJsonSchemaAnswerFromAnthropicComesAsContent() throws Exception {
        ResponseFormatJsonSchema format = ResponseFormatJsonSchema.builder().jsonSchema(
                ResponseFormatJsonSchema.JsonSchema.builder().name("city").schema(
                        ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("name", Map.of("type", "string"))))
                                .build()).build()).build();
        ChatCompletion completion = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1")
                .apiKey(TestGateway.ACME_KEY).maxRetries(0).timeout(Duration.ofSeconds(20)).build()
                .chat().completions().create(ChatCompletionCreateParams.builder().model("claude-sonnet-4-5")
                        .addUserMessage("Name a city.").responseFormat(format).build());
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertEquals("name-1", JSON.readTree(choice.message().content().orElseThrow()).path("name").asText());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, choice.finishReason());
        assertTrue(choice.message().toolCalls().map(java.util.List::isEmpty).orElse(true), "no tool call shows");
        assertEquals("openai", gateway.nextCompleted().api());
    }
}
