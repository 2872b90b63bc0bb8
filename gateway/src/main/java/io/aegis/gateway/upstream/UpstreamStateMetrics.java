package io.aegis.gateway.upstream;

import io.aegis.gateway.metrics.LiveMetrics;
import io.aegis.gateway.resilience.CircuitBreaker;
import io.aegis.gateway.resilience.KeyPool;
import java.util.Map;

/**
 * The upstream side's state as Prometheus gauges, read at each scrape: each target's and each key's
 * circuit (0 closed, 1 half open, 2 open), how often each opened, and each key's attempts in flight.
 * Keys appear by id only.
 */
public final class UpstreamStateMetrics {
    private UpstreamStateMetrics() {
    }

    public static void write(Map<?, ProviderUpstream> providers, StringBuilder out) {
        long now = System.nanoTime();
        LiveMetrics.header(out, "aegis_upstream_circuit_state", "gauge",
                "Circuit of each upstream target: 0 closed, 1 half open, 2 open.");
        for (ProviderUpstream provider : providers.values()) {
            for (UpstreamTarget target : provider.targets()) {
                labels(out.append("aegis_upstream_circuit_state"), provider, target)
                        .append("} ").append(target.breaker().state(now).ordinal()).append('\n');
            }
        }
        LiveMetrics.header(out, "aegis_upstream_circuit_opened_total", "counter", "Times each target's circuit opened.");
        for (ProviderUpstream provider : providers.values()) {
            for (UpstreamTarget target : provider.targets()) {
                labels(out.append("aegis_upstream_circuit_opened_total"), provider, target)
                        .append("} ").append(target.breaker().timesOpened()).append('\n');
            }
        }
        LiveMetrics.header(out, "aegis_upstream_key_circuit_state", "gauge",
                "Circuit of each provider key (by id): 0 closed, 1 half open, 2 open.");
        LiveMetrics.header(out, "aegis_upstream_key_in_flight", "gauge", "Attempts in flight on each provider key (by id).");
        for (ProviderUpstream provider : providers.values()) {
            for (UpstreamTarget target : provider.targets()) {
                KeyPool keys = target.keys();
                for (int i = 0; i < keys.size(); i++) {
                    CircuitBreaker breaker = keys.breaker(i);
                    labels(out.append("aegis_upstream_key_circuit_state"), provider, target)
                            .append(",key_id=\"").append(keys.id(i)).append("\"} ")
                            .append(breaker.state(now).ordinal()).append('\n');
                    labels(out.append("aegis_upstream_key_in_flight"), provider, target)
                            .append(",key_id=\"").append(keys.id(i)).append("\"} ").append(keys.inFlight(i)).append('\n');
                }
            }
        }
    }

    private static StringBuilder labels(StringBuilder out, ProviderUpstream provider, UpstreamTarget target) {
        return out.append("{provider=\"").append(provider.provider().configName()).append("\",target=\"")
                .append(target.index()).append("\",upstream=\"").append(target.endpoint()).append('"');
    }
}
