/** Live gateway counters for the control API's {@code /metrics}. */
package io.aegis.gateway.metrics;
