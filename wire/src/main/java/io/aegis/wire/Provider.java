package io.aegis.wire;

/** The upstream LLM providers Aegis fronts. */
public enum Provider {
    ANTHROPIC("anthropic", "anthropic"),
    GEMINI("gemini", "gcp.gemini");

    private final String configName;
    private final String otelName;

    Provider(String configName, String otelName) {
        this.configName = configName;
        this.otelName = otelName;
    }

    /** The key under {@code providers:} in config, and the name used in traces. */
    public String configName() {
        return configName;
    }

    /** The value of {@code gen_ai.provider.name}. */
    public String otelName() {
        return otelName;
    }
}
