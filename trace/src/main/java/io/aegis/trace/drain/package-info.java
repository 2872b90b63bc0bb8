/**
 * The AITrace drainer: reads the trace queue, aggregates per tenant, provider and model, and
 * publishes the totals (Prometheus text today), checkpointing its queue position with them.
 */
package io.aegis.trace.drain;
