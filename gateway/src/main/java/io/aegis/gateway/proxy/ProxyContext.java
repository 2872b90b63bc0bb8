package io.aegis.gateway.proxy;

import io.aegis.gateway.openai.ChatRequestTranslator;
import io.aegis.gateway.openai.OpenAiSettings;
import io.aegis.gateway.auth.CallerAuthenticator;
import io.aegis.gateway.auth.VirtualKeyTable;
import io.aegis.gateway.config.AegisConfig;
import io.aegis.gateway.config.TenantSettings;
import io.aegis.gateway.cost.CostControls;
import io.aegis.gateway.metrics.LiveMetrics;
import io.aegis.gateway.pii.PiiInspector;
import io.aegis.gateway.request.RequestBodyParser;
import io.aegis.gateway.rules.ActiveRules;
import io.aegis.gateway.upstream.UpstreamConnections;
import io.aegis.trace.TraceWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
 * @param openAi          Chat Completions requests into native ones
 * @param openAiSettings  the {@code openai} block: model aliases for the model list
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
        PiiInspector pii,
        ActiveRules rules,
        CostControls costs,
        TraceWriter trace,
        LiveMetrics metrics,
        NanoClock clock,
        ChatRequestTranslator openAi,
        OpenAiSettings openAiSettings) {

    /**
     * What {@code config} asks for, over the given services: the key table from its tenants, the body
     * parser and the limits from its {@code gateway} block.
     */
    public static ProxyContext of(AegisConfig config, UpstreamConnections upstreams, Drain drain,
                                  ExchangeListener listener, PiiInspector pii, ActiveRules rules, CostControls costs,
                                  TraceWriter trace, LiveMetrics metrics, NanoClock clock) {
        Map<String, String> tenantByKey = new HashMap<>();
        for (TenantSettings tenant : config.tenants()) {
            for (String hash : tenant.keySha256Hex()) {
                tenantByKey.put(hash, tenant.id());
            }
        }
        return new ProxyContext(
                new CallerAuthenticator(config.authMode(), new VirtualKeyTable(tenantByKey)),
                new RequestBodyParser(config.gateway().maxRequestBytes()),
                upstreams,
                listener,
                config.gateway().maxRequestBytes(),
                TimeUnit.MILLISECONDS.toNanos(config.gateway().requestTimeoutMs()),
                TimeUnit.MILLISECONDS.toNanos(config.gateway().keepAliveTimeoutMs()),
                drain,
                pii,
                rules,
                costs,
                trace,
                metrics,
                clock,
                new ChatRequestTranslator(config.openAi()),
                config.openAi());
    }

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
