package io.aegis.gateway.openai;

import java.util.Map;

/**
 * The {@code openai} block of the config.
 *
 * @param modelAliases     a model name callers send → the model it stands for ({@code claude-…},
 *                         {@code gemini-…}, {@code anthropic/…} or {@code gemini/…})
 * @param defaultMaxTokens the output limit sent to Anthropic (which requires one) when the caller
 *                         gives neither {@code max_tokens} nor {@code max_completion_tokens}
 */
public record OpenAiSettings(Map<String, String> modelAliases, int defaultMaxTokens) {
    public static final int DEFAULT_MAX_TOKENS = 4096;

    public static OpenAiSettings defaults() {
        return new OpenAiSettings(Map.of(), DEFAULT_MAX_TOKENS);
    }
}
