package io.aegis.cost;

/**
 * The prices of one model family.
 *
 * @param model          the id in the pricing file ({@code claude-sonnet-4-5})
 * @param base           prices up to the long-context threshold
 * @param longContext    prices for every token of a request whose prompt is above
 *                       {@code longContextTokens}, or {@code null} when the model has one price
 * @param maxOutputTokens output cap assumed for a budget reservation when a request names none
 * @param known          false for the configured default that prices models the file does not list
 */
public record ModelPricing(String model, Price base, Price longContext, long longContextTokens, long maxOutputTokens,
        boolean known) {

    /** Prompt tokens above which {@link #longContext} applies (configs/pricing.yaml's above_200k). */
    public static final long LONG_CONTEXT_TOKENS = 200_000;

    /** The price for a request whose prompt (uncached + cache write + cache read) has this many tokens. */
    public Price priceFor(long promptTokens) {
        return longContext != null && promptTokens > longContextTokens ? longContext : base;
    }
}
