package io.aegis.rules;

/**
 * The request attributes rule conditions read (rules/README.md), as the gateway (or a tool) holds them.
 * Implementations answer from state they already have: evaluation calls these on the hot path
 * and must not make them allocate.
 */
public interface RequestView {
    String provider();

    String model();

    String tenant();

    /** The virtual key's id, or "" when there is none. */
    String keyId();

    String path();

    String method();

    boolean stream();

    /** A request header by lower-case name, or {@code null} when absent. */
    String header(String lowerCaseName);

    /** The caller's address as text ("10.1.2.3", "::1"), or "" when unknown. */
    String clientIp();

    /** Estimated prompt tokens. */
    long inputTokens();

    /** The request's output token cap ({@code max_tokens}, {@code maxOutputTokens}); 0 when absent. */
    long maxOutputTokens();

    double costEstimateUsd();

    /** Share of the tenant's budget left, 0 to 1 (1 when it has no budget). */
    double budgetRemainingFraction();

    /** How many findings of the PII type with this index (the order of {@link RuleSet#piiTypes()}). */
    int piiCount(int piiType);

    /** Whether the prompt matches the rule set's prompt pattern with this index ({@link RuleSet#promptPatterns()}). */
    boolean promptMatches(int pattern);

    /** The hour of the request, UTC, 0-23. */
    int hourUtc();
}
