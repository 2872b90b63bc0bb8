package io.aegis.gateway.proxy;

import io.aegis.gateway.auth.CallerAuthenticator;
import io.aegis.gateway.request.RequestBodyParser;
import io.aegis.gateway.upstream.UpstreamConnections;

/**
 * What every connection of the gateway shares: read-mostly services built at start-up.
 *
 * @param authenticator   caller authentication
 * @param parser          the request body parser
 * @param upstreams       pools and provider targets
 * @param listener        told about every finished exchange
 * @param maxRequestBytes the body limit
 * @param requestTimeoutNs time allowed for a whole request after its first byte
 * @param keepAliveTimeoutNs idle time after which a client connection is closed
 * @param drain           set once when the gateway starts shutting down
 * @param pii             the PII scan and per-tenant policy
 * @param rules           the rule set in force (swapped whole)
 * @param costs           pricing, budgets and per-minute limits
 * @param trace           where each finished request's trace event is appended, or {@code null}
 * @param metrics         live counters for the control API's {@code /metrics}, or {@code null}
 * @param clock           the time exchanges read and their timers run on ({@link NanoClock#SYSTEM})
 */
public record ProxyContext(
        CallerAuthenticator authenticator,
        RequestBodyParser parser,
        UpstreamConnections upstreams,
        ExchangeListener listener,
        int maxRequestBytes,
        long requestTimeoutNs,
        long keepAliveTimeoutNs,
        Drain drain,
        io.aegis.gateway.pii.PiiInspector pii,
        io.aegis.gateway.rules.ActiveRules rules,
        io.aegis.gateway.cost.CostControls costs,
        io.aegis.trace.TraceWriter trace,
        io.aegis.gateway.metrics.LiveMetrics metrics,
        NanoClock clock) {

    /** The shutdown signal every connection reads: once set, no connection is kept alive. */
    public static final class Drain {
        private volatile boolean draining;

        void start() {
            draining = true;
        }

        public boolean draining() {
            return draining;
        }
    }
}
