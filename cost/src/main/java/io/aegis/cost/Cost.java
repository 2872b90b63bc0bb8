package io.aegis.cost;

/**
 * Cost arithmetic in nano-dollars. Token counts follow the normalised usage the gateway reads:
 * uncached input, cache writes (5-minute and 1-hour), cache reads, and output with any thinking
 * tokens included; the three prompt counts are disjoint (Anthropic reports them so; Gemini's
 * cached tokens are taken out of its prompt count before they get here).
 */
public final class Cost {
    private Cost() {
    }

    /** The exact cost of a request's usage. */
    public static long nanos(ModelPricing pricing, long inputTokens, long cacheWrite5mTokens, long cacheWrite1hTokens,
            long cacheReadTokens, long outputTokens) {
        Price price = pricing.priceFor(inputTokens + cacheWrite5mTokens + cacheWrite1hTokens + cacheReadTokens);
        return Math.addExact(Math.addExact(Math.addExact(Math.addExact(
                Math.multiplyExact(inputTokens, price.inputNanos()),
                Math.multiplyExact(cacheWrite5mTokens, price.cacheWrite5mNanos())),
                Math.multiplyExact(cacheWrite1hTokens, price.cacheWrite1hNanos())),
                Math.multiplyExact(cacheReadTokens, price.cacheReadNanos())),
                Math.multiplyExact(outputTokens, price.outputNanos()));
    }

    /**
     * The most a request can cost: every prompt token at the dearest prompt rate of the dearest
     * tier, and every allowed output token. {@code promptTokensAtMost} must be an upper bound (the
     * gateway uses the request's byte count: no tokenizer makes more tokens than bytes of text).
     */
    public static long worstCaseNanos(ModelPricing pricing, long promptTokensAtMost, long maxOutputTokens) {
        Price price = pricing.priceFor(promptTokensAtMost);
        long output = maxOutputTokens > 0 ? maxOutputTokens : pricing.maxOutputTokens();
        return Math.addExact(Math.multiplyExact(promptTokensAtMost, price.maxPromptTokenNanos()),
                Math.multiplyExact(output, price.outputNanos()));
    }

    /** Nano-dollars as USD text with nine decimals, exact ("0.000123450"). */
    public static String usd(long nanos) {
        String sign = nanos < 0 ? "-" : "";
        long abs = Math.abs(nanos);
        return sign + (abs / 1_000_000_000L) + "." + String.format("%09d", abs % 1_000_000_000L);
    }
}
