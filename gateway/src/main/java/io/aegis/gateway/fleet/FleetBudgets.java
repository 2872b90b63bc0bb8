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

    public FleetBudgets(CostControls costs, List<String> members, String gatewayId) {
        this.costs = costs;
        long now = System.currentTimeMillis();
        costs.budgets().values().forEach(budget -> budget.shareWithFleet(now));
        this.client = new LeaseClient(members, gatewayId, this::scopes);
    }

    /** The windows in force now, for every limited budget (read by the lease client's thread). */
    private List<LeaseScope> scopes() {
        long now = System.currentTimeMillis();
        List<LeaseScope> scopes = new ArrayList<>();
        for (Map.Entry<String, Budget> entry : costs.budgets().entrySet()) {
            Budget budget = entry.getValue();
            budget.shareWithFleet(now); // a budget the control API added since: shared from its start
            String name = entry.getKey().replace(' ', '/');
            if (budget.dayLimitNanos() != Budget.UNLIMITED) {
                scopes.add(new WindowScope(name + "/day/", budget.today(now), budget.dayLimitNanos()));
            }
            if (budget.monthLimitNanos() != Budget.UNLIMITED) {
                scopes.add(new WindowScope(name + "/month/", budget.thisMonth(now), budget.monthLimitNanos()));
            }
        }
        return scopes;
    }

    /** Messages this gateway sent the budget cluster since start. */
    public long messagesSent() {
        return client.messagesSent();
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
    private record WindowScope(String prefix, SpendWindow window, long limitNanos) implements LeaseScope {
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
        public long largestShortNanos() {
            return window.largestShortNanos();
        }
    }
}
