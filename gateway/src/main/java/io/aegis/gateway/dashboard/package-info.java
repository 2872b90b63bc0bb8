/**
 * What the operator dashboard shows: one answer built from in-memory aggregates (the live metrics'
 * traffic board, budgets, upstream state), latency percentiles per second, and the newest trace
 * events through a CEL filter. The page reads these, never the trace queue's history.
 */
package io.aegis.gateway.dashboard;
