package io.aegis.gateway;

import io.aegis.gateway.config.AegisConfig;
import io.aegis.gateway.proxy.ExchangeListener;
import io.aegis.gateway.proxy.GatewayServer;
import io.aegis.natives.NetworkTransport;
import io.aegis.natives.NetworkTransports;
import io.netty.channel.EventLoopGroup;
import io.aegis.gateway.config.ConfigException;
import io.aegis.yaml.LocatedProblem;
import io.aegis.gateway.config.TenantSettings;
import io.aegis.gateway.pii.BodyRedactor;
import io.aegis.gateway.pii.PiiAction;
import io.aegis.gateway.pii.PiiInspector;
import io.aegis.cost.CostCounters;
import io.aegis.cost.Pricing;
import io.aegis.cost.PricingException;
import io.aegis.cost.PricingReader;
import io.aegis.gateway.cost.CostControls;
import io.aegis.gateway.cost.SpendSnapshots;
import io.aegis.gateway.rules.ActiveRules;
import io.aegis.gateway.metrics.LiveMetrics;
import io.aegis.trace.TraceWriter;
import io.aegis.gateway.rules.RuleFiles;
import io.aegis.rules.RuleSet;
import io.aegis.rules.RulesException;
import io.aegis.gateway.pii.PiiPolicy;
import io.aegis.pii.CatalogueException;
import io.aegis.pii.CatalogueReader;
import io.aegis.pii.PiiCatalogue;
import io.aegis.pii.PiiEngines;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import javax.net.ssl.SSLException;

/** A running gateway: its event loops, the listener and the services every exchange uses. */
public final class GatewayRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayRuntime.class);

    private final EventLoopGroup group;
    private final GatewayServer server;
    private final NetworkTransport transport;
    private final PiiInspector pii;
    private final ActiveRules rules;
    private final CostControls costs;
    private final SpendSnapshots spend;
    private final java.nio.file.Path dataDir;
    private final TraceWriter trace;
    private final LiveMetrics metrics;
    /** Budgets shared with the fleet through the budget cluster, or {@code null}. */
    private volatile io.aegis.gateway.fleet.FleetBudgets fleet;

    private GatewayRuntime(EventLoopGroup group, GatewayServer server,
                           NetworkTransport transport, PiiInspector pii, ActiveRules rules, CostControls costs,
                           SpendSnapshots spend, java.nio.file.Path dataDir, TraceWriter trace, LiveMetrics metrics) {
        this.metrics = metrics;
        this.dataDir = dataDir;
        this.trace = trace;
        this.pii = pii;
        this.rules = rules;
        this.costs = costs;
        this.spend = spend;
        this.group = group;
        this.server = server;
        this.transport = transport;
    }

    /** Starts everything the config asks for; on failure, stops what had started. */
    public static GatewayRuntime start(AegisConfig config, ExchangeListener listener)
            throws InterruptedException, SSLException, ConfigException {
        PiiInspector pii = piiInspector(config);
        ActiveRules rules;
        CostControls costs;
        SpendSnapshots spend;
        TraceWriter trace;
        try {
            rules = new ActiveRules(ruleSet(config, pii.catalogue()));
            java.nio.file.Files.createDirectories(config.dataDir());
            CostCounters counters = CostCounters.create(config.dataDir().resolve("counters.dat"),
                    config.tenants().stream().map(TenantSettings::id).toList());
            costs = CostControls.of(pricing(config), config.tenants(), config.limitClasses(),
                    SpendSnapshots.load(config.dataDir(), System.currentTimeMillis()), counters,
                    config.dataDir().resolve("spend.ledger"), System.currentTimeMillis(), System.nanoTime());
            spend = SpendSnapshots.start(config.dataDir(), costs);
            trace = new TraceWriter(config.traceQueueDir());
        } catch (ConfigException e) {
            pii.close();
            throw e;
        } catch (java.io.IOException | java.io.UncheckedIOException | IllegalStateException e) {
            pii.close();
            throw new ConfigException(List.of(new LocatedProblem(config.file().toString(), 0, 0, "data_dir",
                    "cannot set up persisted state: " + e)));
        }
        NetworkTransport transport = NetworkTransports.select(config.gateway().transport());
        int loops = config.gateway().eventLoops() > 0
                ? config.gateway().eventLoops() : Runtime.getRuntime().availableProcessors();
        EventLoopGroup group = transport.newEventLoopGroup(loops, "aegis-io");
        try {
            LiveMetrics metrics = new LiveMetrics(pii.catalogue());
            GatewayServer server = GatewayServer.start(config, transport, group, listener, pii, rules, costs, trace,
                    metrics);
            metrics.sources(server::openConnections, trace::dropped);
            GatewayRuntime runtime = new GatewayRuntime(group, server, transport, pii, rules, costs, spend,
                    config.dataDir(), trace, metrics);
            if (config.fleet() != null) {
                runtime.fleet = new io.aegis.gateway.fleet.FleetBudgets(costs, config.fleet().cluster(),
                        config.fleet().gatewayId(), config.fleet().leaseTtlMillis(), config.tenants());
                io.aegis.gateway.fleet.FleetBudgets fleet = runtime.fleet;
                metrics.fleetReachable(() -> fleet.connected() && !fleet.unreachable() ? 1 : 0);
            }
            return runtime;
        } catch (InterruptedException | SSLException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            pii.close();
            spend.close();
            costs.close();
            trace.close();
            throw e;
        }
    }

    /** The rule files the config names, compiled; every problem in them stops the start. */
    public static RuleSet ruleSet(AegisConfig config, PiiCatalogue catalogue) throws ConfigException {
        List<String> piiTypes = catalogue.types().stream().map(io.aegis.pii.PiiType::name).toList();
        try {
            return RuleSet.compile(RuleFiles.expand(config.ruleGlobs()), piiTypes);
        } catch (RulesException e) {
            throw new ConfigException(e.problems());
        } catch (java.io.IOException e) {
            throw new ConfigException(List.of(new LocatedProblem(config.file().toString(), 0, 0, "rules",
                    "cannot list the rule files: " + e.getMessage())));
        }
    }

    /** The pricing table the config names; every problem in it stops the start. */
    public static Pricing pricing(AegisConfig config) throws ConfigException {
        try {
            return PricingReader.read(config.pricingFile());
        } catch (PricingException e) {
            throw new ConfigException(e.problems());
        }
    }

    /** Live counters of this gateway (the control API's {@code /metrics}). */
    public LiveMetrics metrics() {
        return metrics;
    }

    /** The PII catalogue, engine and per-tenant policies in force. */
    public PiiInspector pii() {
        return pii;
    }

    /** Where each request's trace event goes. */
    public TraceWriter trace() {
        return trace;
    }

    /** Where persisted state lives (spend snapshots, counters). */
    public java.nio.file.Path dataDir() {
        return dataDir;
    }

    /** Pricing, budgets and limits, for reading spend while the gateway runs. */
    public CostControls costs() {
        return costs;
    }

    /** The rule set in force, for swapping while the gateway runs. */
    public ActiveRules rules() {
        return rules;
    }

    /** The PII catalogue, engine and per-tenant policies; every problem in them stops the start. */
    public static PiiInspector piiInspector(AegisConfig config) throws ConfigException {
        PiiCatalogue catalogue;
        try {
            catalogue = CatalogueReader.read(config.piiFile());
        } catch (CatalogueException e) {
            throw new ConfigException(e.problems());
        }
        List<String> unknown = new ArrayList<>();
        Map<String, PiiPolicy> policies = new HashMap<>();
        for (TenantSettings tenant : config.tenants()) {
            policies.put(tenant.id(), PiiPolicy.forTenant(tenant, catalogue, "tenants[" + tenant.id() + "].pii_policy",
                    unknown));
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException(unknown.stream()
                    .map(problem -> LocatedProblem.ofFile(config.file().toString(), problem)).toList());
        }
        byte[] hashKey;
        if (config.piiHashKey() != null) {
            hashKey = config.piiHashKey().value().getBytes(StandardCharsets.UTF_8);
        } else {
            hashKey = new byte[32];
            new SecureRandom().nextBytes(hashKey);
            LOG.warn("no PII hash key in the environment ({}): hash-style redactions will differ after a restart",
                    "see pii_hash_key_env");
        }
        return new PiiInspector(PiiEngines.best(catalogue), policies, new BodyRedactor(hashKey),
                config.piiResponseHoldbackBytes());
    }

    public GatewayServer server() {
        return server;
    }

    public NetworkTransport transport() {
        return transport;
    }

    /** The budgets shared with the fleet, or {@code null} without {@code fleet} in the config. */
    public io.aegis.gateway.fleet.FleetBudgets fleet() {
        return fleet;
    }

    @Override
    public void close() {
        server.close();
        if (fleet != null) {
            fleet.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        // After the event loops: every exchange has settled, so the last snapshot is complete.
        spend.close();
        costs.close();
        trace.close();
        pii.close();
    }
}
