package io.aegis.gateway.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.wire.Operation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestBodyParserTest {
    private final RequestBodyParser parser = new RequestBodyParser(1 << 20);
    private final RequestFacts facts = new RequestFacts();

    private List<String> parse(Operation operation, String json, boolean direct) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ByteBuf body = direct ? Unpooled.directBuffer(bytes.length).writeBytes(bytes) : Unpooled.wrappedBuffer(bytes);
        try {
            assertNull(parser.parse(body, operation, operation.modelInBody() ? null : "gemini-x", facts));
            List<String> spans = new ArrayList<>();
            for (int i = 0; i < facts.textSpanCount(); i++) {
                spans.add(new String(bytes, facts.textSpanStart(i), facts.textSpanEnd(i) - facts.textSpanStart(i),
                        StandardCharsets.UTF_8));
            }
            return spans;
        } finally {
            body.release();
        }
    }

    private String problem(Operation operation, String json) {
        ByteBuf body = Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
        try {
            return parser.parse(body, operation, null, facts);
        } finally {
            body.release();
        }
    }

    @Test
    void anthropicFactsAndOnlyMessageTextSpans() {
        String json = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true,"
                + "\"system\":[{\"type\":\"text\",\"text\":\"be brief\",\"cache_control\":{\"type\":\"ephemeral\"}}],"
                + "\"tools\":[{\"name\":\"lookup\",\"description\":\"mail a@b.co\",\"input_schema\":{\"type\":\"object\"}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"caf\\u00e9 \\\"quoted\\\"\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"lookup\",\"input\":{\"q\":\"x\"}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":[{\"type\":\"text\",\"text\":\"result text\"}]},"
                + "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}},"
                + "{\"type\":\"text\",\"text\":\"what now?\"}]}],"
                + "\"metadata\":{\"user_id\":\"u-1\"}}";
        for (boolean direct : new boolean[] {false, true}) {
            List<String> spans = parse(Operation.ANTHROPIC_MESSAGES, json, direct);
            assertEquals(List.of("be brief", "caf\\u00e9 \\\"quoted\\\"", "result text", "what now?"), spans,
                    "raw spans of message text only: not tool schemas, ids, or base64 media");
            assertEquals("claude-sonnet-4-5", facts.model());
            assertTrue(facts.stream());
            assertEquals(1024, facts.maxOutputTokens());
            assertEquals("be brief".length() + "café \"quoted\"".length() + "result text".length()
                    + "what now?".length(), facts.textChars(), "decoded lengths");
        }
    }

    @Test
    void geminiFactsAndTextSpans() {
        String json = "{\"systemInstruction\":{\"parts\":[{\"text\":\"sys\"}]},"
                + "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hello\"},"
                + "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"AAAA\"}}]},"
                + "{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":\"f\",\"args\":{\"text\":\"not message text\"}}}]}],"
                + "\"tools\":[{\"functionDeclarations\":[{\"name\":\"f\",\"description\":\"text\"}]}],"
                + "\"generationConfig\":{\"maxOutputTokens\":77,\"temperature\":0.2}}";
        assertEquals(List.of("sys", "hello"), parse(Operation.GEMINI_STREAM_GENERATE_CONTENT, json, false));
        assertEquals("gemini-x", facts.model());
        assertTrue(facts.stream(), "streamGenerateContent always streams");
        assertEquals(77, facts.maxOutputTokens());
    }

    @Test
    void geminiEmbeddingAndCountTokensForms() {
        assertEquals(List.of("embed me"), parse(Operation.GEMINI_EMBED_CONTENT,
                "{\"model\":\"models/e\",\"content\":{\"parts\":[{\"text\":\"embed me\"}]}}", false));
        assertEquals(List.of("a", "b"), parse(Operation.GEMINI_BATCH_EMBED_CONTENTS,
                "{\"requests\":[{\"model\":\"m\",\"content\":{\"parts\":[{\"text\":\"a\"}]}},"
                        + "{\"content\":{\"parts\":[{\"text\":\"b\"}]}}]}", false));
        assertEquals(List.of("count"), parse(Operation.GEMINI_COUNT_TOKENS,
                "{\"generateContentRequest\":{\"model\":\"m\",\"contents\":[{\"parts\":[{\"text\":\"count\"}]}]}}",
                false));
        assertFalse(facts.stream());
    }

    @Test
    void badBodiesGiveMessagesThatQuoteNothing() {
        String secret = "sk-ant-secret-value";
        String bad = problem(Operation.ANTHROPIC_MESSAGES, "{\"model\":\"m\",\"x\":\"" + secret + "\" oops}");
        assertNotNull(bad);
        assertTrue(bad.startsWith("request body is not valid JSON"), bad);
        assertFalse(bad.contains(secret), "the error must not echo request content: " + bad);
        assertEquals("request body must be a JSON object", problem(Operation.ANTHROPIC_MESSAGES, "\"text\""));
        assertEquals("model: field required", problem(Operation.ANTHROPIC_MESSAGES, "{\"messages\":[]}"));
        assertEquals("model: given twice", problem(Operation.ANTHROPIC_MESSAGES, "{\"model\":\"a\",\"model\":\"b\"}"));
        assertEquals("stream: must be true or false",
                problem(Operation.ANTHROPIC_MESSAGES, "{\"model\":\"a\",\"stream\":\"yes\"}"));
        assertEquals("request body has content after the JSON object",
                problem(Operation.ANTHROPIC_MESSAGES, "{\"model\":\"a\"} {}"));
        assertEquals("request body is empty; send a JSON object", problem(Operation.ANTHROPIC_MESSAGES, ""));
        assertEquals("request body is nested or sized beyond what the gateway accepts",
                problem(Operation.GEMINI_GENERATE_CONTENT, "{\"a\":" + "[".repeat(300) + "]".repeat(300) + "}"));
    }
}
