package io.aegis.gateway.fleet;

import io.aegis.cost.Budget;
import io.aegis.cost.SpendWindow;
import io.aegis.fleet.LeaseClient;
import io.aegis.fleet.LeaseScope;
import io.aegis.gateway.cost.CostControls;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * This gateway's budgets as a fleet shares them: every limited budget (a tenant's, a model
 * family's, a key's) commits, in each UTC day and month, only what the budget cluster leased this
 * gateway, and the {@link LeaseClient} keeps those leases ahead of need and reports the spend. The
 * request path stays local: a reservation is one compare-and-set against the room already leased.
 */
public final class FleetBudgets implements AutoCloseable {
    private final CostControls costs;
    private final LeaseClient client;

    /** Micro-dollars each tenant may spend beyond its leases while the cluster is unreachable (absent: fail closed). */
    private final Map<String, Long> failOpenMicros;

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
        this.client = new LeaseClient(members, gatewayId, this::scopes, leaseTtlMillis);
        long now = System.currentTimeMillis();
        costs.budgets().forEach((key, budget) -> share(key, budget, now));
    }

    /** The windows in force now, for every limited budget (read by the lease client's thread). */
    private List<LeaseScope> scopes() {
        long now = System.currentTimeMillis();
        List<LeaseScope> scopes = new ArrayList<>();
        for (Map.Entry<String, Budget> entry : costs.budgets().entrySet()) {
            Budget budget = entry.getValue();
            share(entry.getKey(), budget, now); // a budget the control API added since: shared from its start
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
        return scopes;
    }

    /** Messages this gateway sent the budget cluster since start. */
    public long messagesSent() {
        return client.messagesSent();
    }

    /** Shares {@code budget} with the fleet the first time it is seen. */
    private void share(String key, Budget budget, long now) {
        if (budget.shareWithFleet(now)) {
            // A refused reservation reaches the lease client's owner through its MPSC queue at once.
            budget.onShortOfLease(() -> shortOf(key, budget));
        }
    }

    /** Hands the owner thread the windows of {@code budget} (on an event loop; a refusal is rare). */
    private void shortOf(String key, Budget budget) {
        long now = System.currentTimeMillis();
        String name = key.replace(' ', '/');
        long failOpen = failOpenMicros.getOrDefault(tenantOf(key), 0L) * 1_000;
        if (budget.dayLimitNanos() != Budget.UNLIMITED) {
            client.shortOf(new WindowScope(name + "/day/", budget.today(now), budget.dayLimitNanos(), failOpen));
        }
        if (budget.monthLimitNanos() != Budget.UNLIMITED) {
            client.shortOf(new WindowScope(name + "/month/", budget.thisMonth(now), budget.monthLimitNanos(), failOpen));
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

    /** One budget window as the cluster names it: the budget's scope, the window kind and its start. */
    private record WindowScope(String prefix, SpendWindow window, long limitNanos, long failOpenNanos)
            implements LeaseScope {
        @Override
        public String name() {
            return prefix + window.startMillis();
        }

        @Override
        public long settledNanos() {
            return window.settledNanos();
        }

        @Override
        public long committedNanos() {
            return window.committedNanos();
        }

        @Override
        public void localLimit(long nanos) {
            window.leased(nanos);
        }

        @Override
        public void leaseExpected(boolean expected) {
            window.leaseExpected(expected);
        }

        @Override
        public long largestShortNanos() {
            return window.largestShortNanos();
        }
    }
}
