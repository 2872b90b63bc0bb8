package io.aegis.gateway.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import io.aegis.gateway.testing.TestGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tools through the OpenAI SDK to both providers: two parallel calls, whole and streamed, with ids
 * that stay stable and indices that place each piece of arguments; the results sent back the next
 * turn; Gemini's thought signatures carried across turns.
 */
class OpenAiToolsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TestGateway.PerClass gateway = new TestGateway.PerClass(TestGateway.builder());

    private static OpenAIClient client(int toolCalls) {
        return OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey(TestGateway.ACME_KEY)
                .putHeader("x-mock-tool-calls", String.valueOf(toolCalls)).maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
    }

    private static FunctionDefinition tool(String name, String property, String type) {
        return FunctionDefinition.builder().name(name).description("Looks up " + property)
                .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of(property, Map.of("type", type))))
                        .putAdditionalProperty("required", JsonValue.from(List.of(property))).build())
                .build();
    }

    private static ChatCompletionCreateParams params(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Weather in Paris, and the time?")
                .addFunctionTool(tool("get_weather", "city", "string"))
                .addFunctionTool(tool("get_time", "offset_hours", "integer"))
                .maxCompletionTokens(256).build();
    }

    @Test
    void twoParallelCallsWholeThenTheirResultsSentBack() {
        for (String model : List.of("claude-sonnet-4-5", "gemini-2.5-flash")) {
            ChatCompletion first = client(2).chat().completions().create(params(model));
            ChatCompletion.Choice choice = first.choices().get(0);
            assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason(), model);
            List<ChatCompletionMessageFunctionToolCall> calls = new ArrayList<>();
            choice.message().toolCalls().orElseThrow().forEach(call -> calls.add(call.asFunction()));
            assertEquals(2, calls.size(), model);
            assertEquals(List.of("get_weather", "get_time"), List.of(calls.get(0).function().name(),
                    calls.get(1).function().name()));
            assertEquals("{\"city\":\"city-1\"}", calls.get(0).function().arguments(), model);
            assertEquals("{\"offset_hours\":2}", calls.get(1).function().arguments(), model);
            assertTrue(!calls.get(0).id().equals(calls.get(1).id()), "distinct ids");
            gateway.nextCompleted();

            // The next turn: the assistant's calls and a result for each (for Gemini, with its signatures).
            ChatCompletionCreateParams.Builder next = params(model).toBuilder().addMessage(choice.message());
            for (ChatCompletionMessageFunctionToolCall call : calls) {
                next.addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id())
                        .content("{\"ok\":true}").build());
            }
            ChatCompletion second = client(0).chat().completions().create(next.build());
            assertEquals(ChatCompletion.Choice.FinishReason.STOP, second.choices().get(0).finishReason(), model);
            gateway.nextCompleted();
        }
    }

    @Test
    void twoParallelCallsStreamedWithStableIdsAndIndices() throws Exception {
        for (String model : List.of("claude-sonnet-4-5", "gemini-2.5-flash")) {
            Map<Long, String> ids = new TreeMap<>();
            Map<Long, String> names = new TreeMap<>();
            Map<Long, StringBuilder> arguments = new TreeMap<>();
            List<String> finish = new ArrayList<>();
            try (StreamResponse<ChatCompletionChunk> stream = client(2).chat().completions().createStreaming(params(model))) {
                stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> {
                    choice.finishReason().ifPresent(r -> finish.add(r.asString()));
                    choice.delta().toolCalls().ifPresent(deltas -> deltas.forEach(delta -> {
                        delta.id().ifPresent(id -> assertEquals(null, ids.put(delta.index(), id),
                                "an id is sent once, on the call's first delta"));
                        delta.function().ifPresent(f -> {
                            f.name().ifPresent(n -> names.put(delta.index(), n));
                            f.arguments().ifPresent(a -> arguments.computeIfAbsent(delta.index(),
                                    k -> new StringBuilder()).append(a));
                        });
                    }));
                }));
            }
            assertEquals(List.of(0L, 1L), new ArrayList<>(ids.keySet()), model);
            assertEquals(List.of("get_weather", "get_time"), new ArrayList<>(names.values()), model);
            JsonNode weather = JSON.readTree(arguments.get(0L).toString());
            assertEquals("city-1", weather.path("city").asText(), model);
            assertEquals(2, JSON.readTree(arguments.get(1L).toString()).path("offset_hours").asInt(), model);
            assertEquals(List.of("tool_calls"), finish, model);
            gateway.nextCompleted();
        }
    }
}
