package io.aegis.gateway.config;

import io.aegis.wire.Provider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The whole gateway configuration (the README's Configuration). Settings of stages that arrive later (pricing, PII,
 * rules, trace, drainer, control) are read and checked here so a config is validated in one pass.
 */
public record AegisConfig(
        Path file,
        GatewaySettings gateway,
        ControlSettings control,
        AuthMode authMode,
        Path dataDir,
        Map<Provider, ProviderSettings> providers,
        List<TenantSettings> tenants,
        Path pricingFile,
        Path piiFile,
        Secret piiHashKey,
        int piiResponseHoldbackBytes,
        List<String> ruleGlobs,
        Map<String, LimitClass> limitClasses,
        Path traceQueueDir,
        long traceRetentionHours,
        DrainerSettings drainer,
        MockUpstreamSettings mockUpstream,
        io.aegis.gateway.openai.OpenAiSettings openAi,
        FleetSettings fleet) {

    /**
     * {@code fleet}: budgets shared by gateway replicas through the budget cluster, or {@code null}
     * for budgets of this gateway alone.
     *
     * @param cluster   the members' client endpoints ({@code host:port}), in member order
     * @param gatewayId this replica's id, unique in the fleet
     * @param leaseTtlMillis a lease's lifetime ({@code fleet.lease_ttl_ms}); a gateway that cannot
     *                  renew its leases for three quarters of it runs its budgets on their fail modes
     */
    public record FleetSettings(List<String> cluster, String gatewayId, long leaseTtlMillis) {
    }

    /**
     * Per-minute limits of a class that rules name with {@code action: limit}; each tenant has its
     * own allowance in each class. -1 where not given.
     */
    public record LimitClass(long requestsPerMinute, long tokensPerMinute) {
    }

    /**
     * The data plane listener.
     *
     * @param listen          address
     * @param maxRequestBytes largest request body accepted (413 above)
     * @param maxHeaderBytes  largest request head accepted (431 above)
     * @param transport       {@code auto}, {@code epoll}, {@code io_uring} or {@code nio}
     * @param eventLoops      I/O threads; 0 means one per core
     * @param requestTimeoutMs a request must arrive whole within this time of its first byte (408 after)
     * @param keepAliveTimeoutMs a client connection with no request under way is closed after this
     * @param drainTimeoutMs on shutdown, how long in-flight exchanges may take to finish
     */
    public record GatewaySettings(ListenAddress listen, int maxRequestBytes, int maxHeaderBytes,
                                  String transport, int eventLoops, long requestTimeoutMs,
                                  long keepAliveTimeoutMs, long drainTimeoutMs) {
    }

    /** The control API listener and where its admin token comes from. */
    public record ControlSettings(ListenAddress listen, String adminTokenEnv) {
    }

    /** The AITrace drainer's outputs. */
    public record DrainerSettings(String otlpEndpoint, ListenAddress prometheusListen, SamplingSettings sampling) {
    }

    /** Which events become spans: rates from 0 to 1 by default, tenant and tag (errors and denials always). */
    public record SamplingSettings(double defaultRate, Map<String, Double> tenants, Map<String, Double> tags) {
    }

    public ProviderSettings provider(Provider provider) {
        return providers.get(provider);
    }
}
