package io.aegis.wire;

/**
 * The API a caller speaks: a provider's own (its requests go upstream as they are), or OpenAI's
 * Chat Completions, translated to the provider its model names and back. Decides the shape of the
 * gateway's own errors and the trace's {@code api} field.
 */
public enum CallerApi {
    ANTHROPIC("anthropic"),
    GEMINI("gemini"),
    OPENAI("openai");

    private final String wireName;

    CallerApi(String wireName) {
        this.wireName = wireName;
    }

    /** The provider's own API. */
    public static CallerApi of(Provider provider) {
        return provider == Provider.ANTHROPIC ? ANTHROPIC : GEMINI;
    }

    /** As the trace names it: {@code anthropic}, {@code gemini} or {@code openai}. */
    public String wireName() {
        return wireName;
    }
}
