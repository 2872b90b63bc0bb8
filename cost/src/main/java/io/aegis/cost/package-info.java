/**
 * Money on the hot path: prices as integer nano-dollars a token ({@link io.aegis.cost.PricingReader}),
 * exact request costs ({@link io.aegis.cost.Cost}), budgets reserved before and settled after a
 * request, and rate limits, all lock-free.
 */
package io.aegis.cost;
