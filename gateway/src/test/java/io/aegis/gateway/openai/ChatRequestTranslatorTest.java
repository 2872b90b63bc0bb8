package io.aegis.gateway.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aegis.wire.Operation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Chat Completions requests into Anthropic and Gemini requests: what maps where, and what is refused. */
class ChatRequestTranslatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ChatRequestTranslator translator = new ChatRequestTranslator(
            new OpenAiSettings(Map.of("house", "anthropic/claude-haiku-4-5"), 1000));

    private JsonNode translate(String body, OpenAiCall call) throws Exception {
        ByteBuf in = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        ChatRequestTranslator.Native out = translator.translate(in, false, call);
        in.release();
        JsonNode json = JSON.readTree(out.body().toString(StandardCharsets.UTF_8));
        out.body().release();
        return json;
    }

    private static final String IMAGE = "data:image/png;base64,iVBORw0KGgo=";

    @Test
    void messagesImagesToolsAndReasoningForAnthropic() throws Exception {
        OpenAiCall call = new OpenAiCall();
        JsonNode out = translate("""
                {"model":"house","stream":true,"stream_options":{"include_usage":true},
                 "max_completion_tokens":300,"stop":"END","user":"u-1","reasoning_effort":"low",
                 "parallel_tool_calls":false,
                 "messages":[{"role":"developer","content":"Be exact."},
                   {"role":"user","content":[{"type":"text","text":"What is this?"},
                     {"type":"image_url","image_url":{"url":"%s"}}]},
                   {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                     "function":{"name":"look","arguments":"{\\"q\\":1}"}}]},
                   {"role":"tool","tool_call_id":"call_1","content":"a cat"}],
                 "tools":[{"type":"function","function":{"name":"look","parameters":{"type":"object"}}}],
                 "tool_choice":"required"}""".formatted(IMAGE), call);
        assertEquals("claude-haiku-4-5", out.path("model").asText(), "the alias names the model");
        assertEquals(300 + 1024, out.path("max_tokens").asInt(), "the answer's limit plus the thinking budget");
        assertEquals(1024, out.path("thinking").path("budget_tokens").asInt());
        assertEquals("Be exact.", out.path("system").path(0).path("text").asText());
        assertEquals("END", out.path("stop_sequences").path(0).asText());
        assertEquals("u-1", out.path("metadata").path("user_id").asText());
        JsonNode image = out.path("messages").path(0).path("content").path(1);
        assertEquals("base64", image.path("source").path("type").asText());
        assertEquals("image/png", image.path("source").path("media_type").asText());
        assertEquals("iVBORw0KGgo=", image.path("source").path("data").asText());
        JsonNode use = out.path("messages").path(1).path("content").path(0);
        assertEquals("tool_use", use.path("type").asText());
        assertEquals(1, use.path("input").path("q").asInt(), "arguments become an object");
        JsonNode result = out.path("messages").path(2).path("content").path(0);
        assertEquals("tool_result", result.path("type").asText());
        assertEquals("call_1", result.path("tool_use_id").asText());
        assertEquals("any", out.path("tool_choice").path("type").asText());
        assertTrue(out.path("tool_choice").path("disable_parallel_tool_use").asBoolean());
        assertTrue(out.path("stream").asBoolean());
        assertTrue(call.includeUsage);
    }

    @Test
    void jsonSchemaAndImagesForGemini() throws Exception {
        OpenAiCall call = new OpenAiCall();
        ChatRequestTranslator.Native nat = translator.translate(Unpooled.copiedBuffer("""
                {"model":"gemini/gemini-2.5-pro","n":2,"temperature":1.7,"seed":7,"max_tokens":50,
                 "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object",
                   "properties":{"a":{"type":"string"}}}}},
                 "messages":[{"role":"system","content":"S"},{"role":"user","content":[
                   {"type":"image_url","image_url":{"url":"%s"}},{"type":"text","text":"hi"}]}]}"""
                .formatted(IMAGE), StandardCharsets.UTF_8), false, call);
        assertEquals(Operation.GEMINI_GENERATE_CONTENT, nat.operation());
        assertEquals("/v1beta/models/gemini-2.5-pro:generateContent", nat.upstreamPath());
        JsonNode out = JSON.readTree(nat.body().toString(StandardCharsets.UTF_8));
        JsonNode generation = out.path("generationConfig");
        assertEquals(2, generation.path("candidateCount").asInt());
        assertEquals(1.7, generation.path("temperature").asDouble(), "Gemini takes up to 2");
        assertEquals(50, generation.path("maxOutputTokens").asInt());
        assertEquals("application/json", generation.path("responseMimeType").asText());
        assertEquals("string", generation.path("responseJsonSchema").path("properties").path("a").path("type").asText());
        assertEquals("image/png", out.path("contents").path(0).path("parts").path(0).path("inlineData")
                .path("mimeType").asText());
        assertEquals("S", out.path("systemInstruction").path("parts").path(0).path("text").asText());
        assertEquals(2, call.choices);
    }

    @Test
    void streamsToGeminiAskForServerSentEvents() throws Exception {
        ChatRequestTranslator.Native nat = translator.translate(Unpooled.copiedBuffer(
                "{\"model\":\"gemini-2.5-flash\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                StandardCharsets.UTF_8), false, new OpenAiCall());
        assertEquals(Operation.GEMINI_STREAM_GENERATE_CONTENT, nat.operation());
        assertEquals("alt=sse", nat.query());
        nat.body().release();
    }

    @Test
    void outOfRangeUnsupportedAndUnknownAreRefusedNamingTheParameter() {
        String[][] cases = {
            {"{\"model\":\"claude-sonnet-4-5\",\"temperature\":1.5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                "temperature"},
            {"{\"model\":\"claude-sonnet-4-5\",\"top_p\":-0.1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "top_p"},
            {"{\"model\":\"claude-sonnet-4-5\",\"n\":3,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "n"},
            {"{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                "max_tokens"},
            {"{\"model\":\"claude-sonnet-4-5\",\"logit_bias\":{\"50256\":-100},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                "logit_bias"},
            {"{\"model\":\"claude-sonnet-4-5\",\"seed\":1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "seed"},
            {"{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "model"},
            {"{\"model\":\"claude-sonnet-4-5\",\"messages\":[]}", "messages"},
            {"{\"model\":\"claude-sonnet-4-5\",\"reasoning_effort\":\"max\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                "reasoning_effort"},
            {"{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"tool\",\"tool_call_id\":\"nope\",\"content\":\"x\"}]}",
                "messages"},
        };
        for (String[] c : cases) {
            ChatRequestTranslator.Problem problem = assertThrows(ChatRequestTranslator.Problem.class,
                    () -> translator.translate(Unpooled.copiedBuffer(c[0], StandardCharsets.UTF_8), false,
                            new OpenAiCall()), c[0]);
            assertEquals(c[1], problem.param(), c[0]);
            assertTrue(problem.getMessage().contains(c[1]) || c[1].equals("messages"), problem.getMessage());
        }
    }

    @Test
    void parametersSentAtTheirDefaultAskForNothingAndPass() throws Exception {
        ChatRequestTranslator.Native nat = translator.translate(Unpooled.copiedBuffer(
                "{\"model\":\"claude-sonnet-4-5\",\"logprobs\":false,\"presence_penalty\":0,\"logit_bias\":{},"
                        + "\"service_tier\":\"auto\",\"seed\":null,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                StandardCharsets.UTF_8), false, new OpenAiCall());
        JsonNode out = JSON.readTree(nat.body().toString(StandardCharsets.UTF_8));
        assertFalse(out.has("logprobs") || out.has("presence_penalty") || out.has("service_tier"));
        assertThrows(ChatRequestTranslator.Problem.class, () -> translator.translate(Unpooled.copiedBuffer(
                "{\"model\":\"claude-sonnet-4-5\",\"presence_penalty\":0.5,\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"x\"}]}", StandardCharsets.UTF_8), false, new OpenAiCall()),
                "a value that asks for something is refused");
    }

    @Test
    void unsupportedParametersAreDroppedWhenTheCallerAsks() throws Exception {
        ChatRequestTranslator.Native nat = translator.translate(Unpooled.copiedBuffer(
                "{\"model\":\"claude-sonnet-4-5\",\"logprobs\":true,\"seed\":3,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                StandardCharsets.UTF_8), true, new OpenAiCall());
        JsonNode out = JSON.readTree(nat.body().toString(StandardCharsets.UTF_8));
        assertFalse(out.has("logprobs") || out.has("seed"));
        assertEquals(1000, out.path("max_tokens").asInt(), "the configured default when the caller gives none");
    }
}
