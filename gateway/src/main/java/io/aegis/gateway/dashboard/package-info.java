/**
 * What the operator dashboard shows, kept in memory as requests finish: traffic and refusals per
 * tenant, provider and model, and latency percentiles per second; the newest trace events through
 * a CEL filter. The page reads these aggregates, never the trace queue's history.
 */
package io.aegis.gateway.dashboard;
