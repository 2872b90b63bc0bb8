package io.aegis.gateway.request;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aegis.mock.MockTokens;
import io.aegis.wire.Operation;
import io.aegis.wire.Provider;
import io.netty.buffer.Unpooled;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The gateway's prompt-token estimate (four characters a token over all message text) against
 * the mock's count (four characters a token per text block, rounded up per block): never above
 * it, and below it by less than one token per block. This is the bound the README documents.
 */
class TokenEstimateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALPHABET = "abc déf ghi \"quoted\" \\ / 😀 line\nbreak";

    @Test
    void theEstimateIsWithinOneTokenPerBlockOfTheMocksCount() throws Exception {
        Random random = new Random(11);
        RequestBodyParser parser = new RequestBodyParser(1 << 24);
        RequestFacts facts = new RequestFacts();
        for (int sample = 0; sample < 2000; sample++) {
            ObjectNode body = JSON.createObjectNode().put("model", "claude-sonnet-4-5").put("max_tokens", 10);
            int blocks = 0;
            if (random.nextBoolean()) {
                body.put("system", text(random));
                blocks++;
            }
            ArrayNode messages = body.putArray("messages");
            int count = 1 + random.nextInt(4);
            for (int m = 0; m < count; m++) {
                ObjectNode message = messages.addObject().put("role", m % 2 == 0 ? "user" : "assistant");
                if (random.nextBoolean()) {
                    message.put("content", text(random));
                    blocks++;
                } else {
                    ArrayNode content = message.putArray("content");
                    int parts = 1 + random.nextInt(3);
                    for (int p = 0; p < parts; p++) {
                        content.addObject().put("type", "text").put("text", text(random));
                        blocks++;
                    }
                }
            }
            byte[] bytes = JSON.writeValueAsBytes(body);
            assertNull(parser.parse(Unpooled.wrappedBuffer(bytes), Operation.ANTHROPIC_MESSAGES, null, facts));
            long estimate = facts.estimatedInputTokens();
            JsonNode parsed = JSON.readTree(bytes);
            long mock = MockTokens.inputTokens(Provider.ANTHROPIC, parsed);
            // The mock counts at least one token for an empty prompt.
            assertTrue(estimate <= Math.max(1, mock) && Math.max(1, mock) - estimate <= Math.max(1, blocks),
                    "estimate " + estimate + ", mock " + mock + ", blocks " + blocks);
        }
    }

    private static String text(Random random) {
        StringBuilder out = new StringBuilder();
        int length = random.nextInt(200);
        for (int i = 0; i < length; i++) {
            out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }
}
