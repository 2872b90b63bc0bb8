package io.aegis.wire;

/** The provider operations Aegis serves, each with its provider and its GenAI operation name. */
public enum Operation {
    ANTHROPIC_MESSAGES(Provider.ANTHROPIC, "chat", false),
    ANTHROPIC_COUNT_TOKENS(Provider.ANTHROPIC, "count_tokens", false),
    GEMINI_GENERATE_CONTENT(Provider.GEMINI, "generate_content", false),
    GEMINI_STREAM_GENERATE_CONTENT(Provider.GEMINI, "generate_content", true),
    GEMINI_COUNT_TOKENS(Provider.GEMINI, "count_tokens", false),
    GEMINI_EMBED_CONTENT(Provider.GEMINI, "embeddings", false),
    GEMINI_BATCH_EMBED_CONTENTS(Provider.GEMINI, "embeddings", false);

    private final Provider provider;
    private final String genAiName;
    private final boolean alwaysStreams;

    Operation(Provider provider, String genAiName, boolean alwaysStreams) {
        this.provider = provider;
        this.genAiName = genAiName;
        this.alwaysStreams = alwaysStreams;
    }

    public Provider provider() {
        return provider;
    }

    /** The value of {@code gen_ai.operation.name}. */
    public String genAiName() {
        return genAiName;
    }

    /** True when the path alone says the response streams (Gemini's streamGenerateContent). */
    public boolean alwaysStreams() {
        return alwaysStreams;
    }

    /** True for operations whose request carries a model in its JSON body rather than in its path. */
    public boolean modelInBody() {
        return provider == Provider.ANTHROPIC;
    }

    /** The Gemini operation for a {@code :method} suffix, or {@code null}. */
    static Operation geminiMethod(String path, int from, int to) {
        int length = to - from;
        if (path.regionMatches(from, "generateContent", 0, length) && length == 15) {
            return GEMINI_GENERATE_CONTENT;
        }
        if (path.regionMatches(from, "streamGenerateContent", 0, length) && length == 21) {
            return GEMINI_STREAM_GENERATE_CONTENT;
        }
        if (path.regionMatches(from, "countTokens", 0, length) && length == 11) {
            return GEMINI_COUNT_TOKENS;
        }
        if (path.regionMatches(from, "embedContent", 0, length) && length == 12) {
            return GEMINI_EMBED_CONTENT;
        }
        if (path.regionMatches(from, "batchEmbedContents", 0, length) && length == 18) {
            return GEMINI_BATCH_EMBED_CONTENTS;
        }
        return null;
    }
}
