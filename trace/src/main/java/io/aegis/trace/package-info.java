/**
 * Trace events (trace/README.md): {@link io.aegis.trace.TraceEvent} and its binary layout, written to a
 * Chronicle Queue by {@link io.aegis.trace.TraceWriter} and read back by
 * {@link io.aegis.trace.TraceReader} (for {@code aegis tail} and the drainer).
 */
package io.aegis.trace;
