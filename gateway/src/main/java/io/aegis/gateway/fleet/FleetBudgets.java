package io.aegis.gateway.fleet;

import io.aegis.cost.Budget;
import io.aegis.cost.LeasedWindow;
import io.aegis.cost.MinuteWindow;
import io.aegis.cost.RateLimit;
import io.aegis.fleet.LeaseClient;
import io.aegis.fleet.LeaseScope;
import io.aegis.gateway.cost.CostControls;
import io.aegis.gateway.cost.TenantCost;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * This gateway's budgets as a fleet shares them: every limited budget (a tenant's, a model
 * family's, a key's) commits, in each UTC day and month, only what the budget cluster leased this
 * gateway, and the {@link LeaseClient} keeps those leases ahead of need and reports the spend. Every
 * per-minute limit (a tenant's requests and tokens, and its allowances in limit classes) likewise
 * admits, in each UTC minute, only what the cluster leased this gateway of that minute. The request
 * path stays local: a reservation is one compare-and-set against the room already leased.
 */
public final class FleetBudgets implements AutoCloseable {
    private final CostControls costs;
    /**
     * Set at the end of construction; the lease client's thread registers refusal listeners from its
     * first tick, which may come first, so they read it through {@link #urge}.
     */
    private volatile LeaseClient client;

    /** Micro-dollars each tenant may spend beyond its leases while the cluster is unreachable (absent: fail closed). */
    private final Map<String, Long> failOpenMicros;
    /** Budgets and limits whose refusals already reach the lease client at once. */
    private final java.util.Set<Object> heard = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** A minute's lease is asked for this long before the minute starts, so its first requests find room. */
    static final long NEXT_MINUTE_AHEAD_MILLIS = 5_000;

    public FleetBudgets(CostControls costs, List<String> members, String gatewayId, long leaseTtlMillis,
                        List<io.aegis.gateway.config.TenantSettings> tenants) {
        this.costs = costs;
        Map<String, Long> failOpen = new java.util.HashMap<>();
        tenants.forEach(t -> {
            if (t.fleetFailOpenMicros() > 0) {
                failOpen.put(t.id(), t.fleetFailOpenMicros());
            }
        });
        this.failOpenMicros = Map.copyOf(failOpen);
        // Shared before the lease client starts: nothing is admitted but what the cluster leases.
        costs.shareWithFleet(System.currentTimeMillis());
        this.client = new LeaseClient(members, gatewayId, this::scopes, leaseTtlMillis);
    }

    /** The windows in force now, for every limited budget (read by the lease client's thread). */
    private List<LeaseScope> scopes() {
        long now = System.currentTimeMillis();
        List<LeaseScope> scopes = new ArrayList<>();
        for (Map.Entry<String, Budget> entry : costs.budgets().entrySet()) {
            Budget budget = entry.getValue();
            hear(entry.getKey(), budget);
            String name = entry.getKey().replace(' ', '/');
            long failOpen = failOpenMicros.getOrDefault(tenantOf(entry.getKey()), 0L) * 1_000;
            if (budget.dayLimitNanos() != Budget.UNLIMITED) {
                scopes.add(new WindowScope(name + "/day/", budget.today(now), budget.dayLimitNanos(), failOpen));
            }
            if (budget.monthLimitNanos() != Budget.UNLIMITED) {
                scopes.add(new WindowScope(name + "/month/", budget.thisMonth(now), budget.monthLimitNanos(),
                        failOpen));
            }
        }
        for (TenantCost tenant : costs.tenants().values()) {
            // Fail open means the per-minute limit of this gateway alone while the cluster is out of reach.
            boolean failsOpen = failOpenMicros.containsKey(tenant.tenant());
            String name = tenant.tenant();
            minutes(scopes, name + "/rpm/", tenant.requestsPerMinute(), failsOpen, now);
            minutes(scopes, name + "/tpm/", tenant.tokensPerMinute(), failsOpen, now);
            tenant.classes().forEach((limitClass, limits) -> {
                minutes(scopes, name + "/class/" + limitClass + "/rpm/", limits.requestsPerMinute(), failsOpen, now);
                minutes(scopes, name + "/class/" + limitClass + "/tpm/", limits.tokensPerMinute(), failsOpen, now);
            });
        }
        return scopes;
    }

    /** This minute of {@code limit}, and the next one once it is near. */
    private void minutes(List<LeaseScope> scopes, String prefix, RateLimit limit, boolean failsOpen, long now) {
        if (limit == null) {
            return;
        }
        if (heard.add(limit)) {
            limit.failsOpen(failsOpen);
            limit.onShortOfLease(() -> urge(minuteScope(prefix, limit, failsOpen, System.currentTimeMillis())));
        }
        scopes.add(minuteScope(prefix, limit, failsOpen, now));
        if (MinuteWindow.minuteStartMillis(now + NEXT_MINUTE_AHEAD_MILLIS) != MinuteWindow.minuteStartMillis(now)) {
            scopes.add(minuteScope(prefix, limit, failsOpen, now + NEXT_MINUTE_AHEAD_MILLIS));
        }
    }

    private static WindowScope minuteScope(String prefix, RateLimit limit, boolean failsOpen, long atMillis) {
        return new WindowScope(prefix, limit.minute(atMillis), limit.perMinute(), failsOpen ? limit.perMinute() : 0);
    }

    /** Messages this gateway sent the budget cluster since start. */
    public long messagesSent() {
        return client.messagesSent();
    }

    /** Has a refused reservation of {@code budget} reach the lease client's owner at once (through its MPSC queue). */
    private void hear(String key, Budget budget) {
        if (heard.add(budget)) {
            budget.onShortOfLease(() -> shortOf(key, budget));
        }
    }

    /** Hands the owner thread the windows of {@code budget} (on an event loop; a refusal is rare). */
    private void shortOf(String key, Budget budget) {
        long now = System.currentTimeMillis();
        String name = key.replace(' ', '/');
        long failOpen = failOpenMicros.getOrDefault(tenantOf(key), 0L) * 1_000;
        if (budget.dayLimitNanos() != Budget.UNLIMITED) {
            urge(new WindowScope(name + "/day/", budget.today(now), budget.dayLimitNanos(), failOpen));
        }
        if (budget.monthLimitNanos() != Budget.UNLIMITED) {
            urge(new WindowScope(name + "/month/", budget.thisMonth(now), budget.monthLimitNanos(), failOpen));
        }
    }

    /** Hands {@code scope} to the lease client's owner (a refusal on an event loop; nothing before the client exists). */
    private void urge(LeaseScope scope) {
        LeaseClient owner = client;
        if (owner != null) {
            owner.shortOf(scope);
        }
    }

    /** The tenant a budget scope belongs to: a tenant id, or {@code "tenant model X"}, {@code "tenant key K"}. */
    private static String tenantOf(String scope) {
        int space = scope.indexOf(' ');
        return space < 0 ? scope : scope.substring(0, space);
    }

    /** What {@code tenant} does while the cluster is unreachable: {@code fail_closed} or {@code fail_open_up_to}. */
    public String failMode(String tenant) {
        return failOpenMicros.containsKey(tenant) ? "fail_open_up_to" : "fail_closed";
    }

    /** The amount a fail-open tenant may spend beyond its leases per window, in micro-dollars (0: fail closed). */
    public long failOpenMicros(String tenant) {
        return failOpenMicros.getOrDefault(tenant, 0L);
    }

    /** True while the cluster is out of reach and budgets run on their fail modes. */
    public boolean unreachable() {
        return client.frozen();
    }

    /** True once the budget cluster answered this gateway. */
    public boolean connected() {
        return client.connected();
    }

    @Override
    public void close() {
        client.close();
    }

    /**
     * One window as the cluster names it: the scope's prefix (a budget's {@code acme/day/}, a
     * limit's {@code acme/rpm/}) and the window's start; in nano-dollars for a budget, in requests or
     * tokens for a per-minute limit.
     */
    private record WindowScope(String prefix, LeasedWindow window, long limitNanos, long failOpenNanos)
            implements LeaseScope {
        @Override
        public String name() {
            return prefix + window.startMillis();
        }

        @Override
        public long settledNanos() {
            return window.used();
        }

        @Override
        public long committedNanos() {
            return window.committed();
        }

        @Override
        public void localLimit(long amount) {
            window.leased(amount);
        }

        @Override
        public void leaseExpected(boolean expected) {
            window.leaseExpected(expected);
        }

        @Override
        public long largestShortNanos() {
            return window.largestShort();
        }

        @Override
        public long untilMillis() {
            return window.endMillis();
        }
    }
}
