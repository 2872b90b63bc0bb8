package io.aegis.cost;

/**
 * What one token costs, in integer nano-dollars (10^-9 USD), per kind of token. A price of
 * 3 USD per million tokens is 3,000 nano-dollars a token; with at most three decimals in the
 * per-million price every price is a whole number here, so costs are exact sums of products.
 */
public record Price(long inputNanos, long outputNanos, long cacheWrite5mNanos, long cacheWrite1hNanos,
        long cacheReadNanos) {

    /** The most any one prompt token can cost at this price (uncached, or written to a cache). */
    long maxPromptTokenNanos() {
        return Math.max(inputNanos, Math.max(cacheWrite5mNanos, cacheWrite1hNanos));
    }
}
