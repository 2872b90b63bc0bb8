package io.aegis.mock;

import com.fasterxml.jackson.databind.JsonNode;
import io.aegis.wire.Provider;
import java.util.ArrayList;
import java.util.List;

/**
 * The mock's deterministic answer to one request: the same request always gets the same words and
 * the same usage. Token counts follow one documented rule so tests can predict them:
 * <ul>
 *   <li>a text costs {@code ceil(length / 4)} tokens, length in UTF-16 code units;</li>
 *   <li>input is the sum over message text (Anthropic {@code system} and {@code messages[].content}
 *       text, tool results included; Gemini {@code systemInstruction} and {@code contents[].parts[].text}),
 *       at least 1;</li>
 *   <li>Anthropic blocks with {@code cache_control} count as cache writes (1-hour ones when it says
 *       {@code "ttl": "1h"}, reported in {@code usage.cache_creation}), or as cache reads when the
 *       request has {@code x-mock-cache: hit}; a Gemini request with {@code cachedContent} adds
 *       {@value #GEMINI_CACHED_TOKENS} cached tokens, inside {@code promptTokenCount};</li>
 *   <li>the reply has {@code 10 + input % 23} words, or {@code x-mock-output-tokens} words, one token
 *       each, cut at {@code max_tokens} / {@code maxOutputTokens};</li>
 *   <li>Gemini thoughts: {@code min(thinkingBudget, 50)} tokens when a positive budget is set.</li>
 * </ul>
 */
final class MockConversation {
    static final int GEMINI_CACHED_TOKENS = 1000;
    private static final String[] WORDS = {
        "aegis", "guards", "the", "gateway", "while", "tokens", "flow", "through", "every", "stream",
        "with", "exact", "costs", "and", "clean", "traces", "for", "each", "request", "today"
    };

    final long inputTokens;
    final long cacheWriteTokens;
    /** Of the cache writes, those marked {@code "ttl": "1h"}. */
    final long cacheWrite1hTokens;
    final long cacheReadTokens;
    final long thoughtsTokens;
    final List<String> words;
    final boolean truncated;

    private MockConversation(long inputTokens, long cacheWriteTokens, long cacheWrite1hTokens, long cacheReadTokens,
                             long thoughtsTokens, List<String> words, boolean truncated) {
        this.inputTokens = inputTokens;
        this.cacheWriteTokens = cacheWriteTokens;
        this.cacheWrite1hTokens = cacheWrite1hTokens;
        this.cacheReadTokens = cacheReadTokens;
        this.thoughtsTokens = thoughtsTokens;
        this.words = words;
        this.truncated = truncated;
    }

    long outputTokens() {
        return words.size();
    }

    String text() {
        return String.join(" ", words);
    }

    static long tokens(String text) {
        return (text.length() + 3) / 4;
    }

    /** The reply that repeats the request's message text (for tests of what reached the upstream). */
    static MockConversation echo(Provider provider, JsonNode body) {
        MockConversation counted = of(provider, body, false, -1);
        StringBuilder text = new StringBuilder();
        if (provider == Provider.ANTHROPIC) {
            collectAnthropic(body.path("system"), text);
            for (JsonNode message : body.path("messages")) {
                collectAnthropic(message.path("content"), text);
            }
        } else {
            for (JsonNode content : body.path("contents")) {
                for (JsonNode part : content.path("parts")) {
                    if (part.path("text").isTextual()) {
                        text.append(text.length() == 0 ? "" : " | ").append(part.path("text").asText());
                    }
                }
            }
        }
        return new MockConversation(counted.inputTokens, 0, 0, 0, 0, List.of(text.toString()), false);
    }

    private static void collectAnthropic(JsonNode content, StringBuilder text) {
        if (content.isTextual()) {
            text.append(text.length() == 0 ? "" : " | ").append(content.asText());
        } else if (content.isArray()) {
            for (JsonNode block : content) {
                if (block.path("text").isTextual()) {
                    text.append(text.length() == 0 ? "" : " | ").append(block.path("text").asText());
                }
            }
        }
    }

    static MockConversation of(Provider provider, JsonNode body, boolean cacheHit, long outputOverride) {
        long[] counts = new long[3];
        long maxOutput;
        long cached = 0;
        long thoughts = 0;
        if (provider == Provider.ANTHROPIC) {
            anthropicText(body.path("system"), 0, counts);
            for (JsonNode message : body.path("messages")) {
                anthropicText(message.path("content"), 0, counts);
            }
            maxOutput = body.path("max_tokens").asLong(Long.MAX_VALUE);
        } else {
            geminiContent(body.path("systemInstruction"), counts);
            for (JsonNode content : body.path("contents")) {
                geminiContent(content, counts);
            }
            geminiContent(body.path("content"), counts);
            if (body.hasNonNull("cachedContent")) {
                cached = GEMINI_CACHED_TOKENS;
            }
            JsonNode generation = body.path("generationConfig");
            maxOutput = generation.path("maxOutputTokens").asLong(Long.MAX_VALUE);
            long budget = generation.path("thinkingConfig").path("thinkingBudget").asLong(0);
            thoughts = budget > 0 ? Math.min(budget, 50) : 0;
        }
        long input = Math.max(1, counts[0]);
        long wanted = outputOverride >= 0 ? outputOverride : 10 + input % 23;
        long produced = Math.max(0, Math.min(wanted, maxOutput));
        List<String> words = new ArrayList<>((int) produced);
        for (int i = 0; i < produced; i++) {
            words.add(WORDS[(int) ((input + i) % WORDS.length)]);
        }
        if (provider == Provider.ANTHROPIC) {
            return new MockConversation(input, cacheHit ? 0 : counts[1], cacheHit ? 0 : counts[2], cacheHit ? counts[1] : 0, 0, words,
                    produced < wanted);
        }
        return new MockConversation(input + cached, 0, 0, cached, thoughts, words, produced < wanted);
    }

    /**
     * Adds text tokens of an Anthropic content value to counts[0], or to counts[1] when cache-marked
     * (and also to counts[2] when the mark says {@code "ttl": "1h"}).
     */
    private static void anthropicText(JsonNode content, int mark, long[] counts) {
        if (content.isTextual()) {
            count(tokens(content.asText()), mark, counts);
        } else if (content.isArray()) {
            for (JsonNode block : content) {
                int blockMark = mark;
                if (block.hasNonNull("cache_control")) {
                    blockMark = "1h".equals(block.path("cache_control").path("ttl").asText()) ? 2 : Math.max(mark, 1);
                }
                if (block.path("text").isTextual()) {
                    count(tokens(block.path("text").asText()), blockMark, counts);
                }
                if (block.has("content")) {
                    anthropicText(block.path("content"), blockMark, counts);
                }
            }
        }
    }

    private static void count(long tokens, int mark, long[] counts) {
        counts[mark == 0 ? 0 : 1] += tokens;
        if (mark == 2) {
            counts[2] += tokens;
        }
    }

    private static void geminiContent(JsonNode content, long[] counts) {
        for (JsonNode part : content.path("parts")) {
            if (part.path("text").isTextual()) {
                counts[0] += tokens(part.path("text").asText());
            }
        }
    }
}
