package io.aegis.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aeron.cluster.service.Cluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three budget members and three gateways' lease clients, each gateway spending as fast as its
 * lease lets it, and the leader closed mid-run: the fleet never spends more than the budget, and
 * spends nearly all of it.
 */
class FleetSpendTest {
    private static final List<String> MEMBERS = List.of("127.0.0.1:20800", "127.0.0.1:20810", "127.0.0.1:20820");
    static final long LIMIT = 10_000_000; // nano-dollars: one cent
    private static final long COST = 7_919;       // each request's settled cost

    @TempDir
    Path dir;
    private final List<FleetNode> nodes = new ArrayList<>();
    private final List<LeaseClient> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(CloseHelper::quietClose);
        nodes.forEach(CloseHelper::quietClose);
    }

    /** One gateway's budget window, as the gateway's cost stage keeps it: lock-free counters. */
    public static final class Window implements LeaseScope {
        final AtomicLong settled = new AtomicLong();
        final AtomicLong limit = new AtomicLong();
        final AtomicLong refused = new AtomicLong();

        @Override
        public String name() {
            return "acme/day/1765065600000";
        }

        @Override
        public long limitNanos() {
            return LIMIT;
        }

        @Override
        public long settledNanos() {
            return settled.get();
        }

        @Override
        public long committedNanos() {
            return settled.get();
        }

        @Override
        public void localLimit(long nanos) {
            limit.set(nanos);
        }

        /** A request: admitted only within the room this gateway's leases give. */
        boolean spend() {
            long now = settled.get();
            if (now + COST > limit.get()) {
                refused.incrementAndGet();
                return false;
            }
            settled.addAndGet(COST);
            return true;
        }
    }

    /**
     * Each gateway makes one request within its leases (one refused asks its lease client for room
     * at once); returns what the fleet spent, checked never to pass the budget.
     */
    static long spendOnceEach(List<Window> windows, List<LeaseClient> clients) {
        for (int g = 0; g < windows.size(); g++) {
            if (!windows.get(g).spend()) {
                clients.get(g).shortOf(windows.get(g));
            }
        }
        long total = windows.stream().mapToLong(w -> w.settled.get()).sum();
        assertTrue(total <= LIMIT, "the fleet spent " + total + " of " + LIMIT);
        return total;
    }

    @Test
    void theFleetSpendsTheBudgetAndNotANanoDollarMoreAcrossALeaderChange() throws Exception {
        for (int n = 0; n < MEMBERS.size(); n++) {
            nodes.add(FleetNode.start(MEMBERS, n, dir.resolve("member-" + n)));
        }
        List<Window> windows = new ArrayList<>();
        for (int g = 0; g < 3; g++) {
            Window window = new Window();
            windows.add(window);
            clients.add(new LeaseClient(MEMBERS, "gw-" + g, () -> List.of(window)));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean leaderClosed = false;
        long total = 0;
        while (System.nanoTime() < deadline) {
            total = FleetSpendTest.spendOnceEach(windows, clients);
            if (!leaderClosed && total > LIMIT / 3) {
                for (FleetNode node : nodes) {
                    if (node.service().role() == Cluster.Role.LEADER) {
                        nodes.remove(node);
                        node.close();
                        leaderClosed = true;
                        break;
                    }
                }
            }
            if (leaderClosed && total > LIMIT - 3 * LIMIT / 16) {
                break;
            }
            Thread.sleep(1);
        }
        assertTrue(leaderClosed, "the leader was closed mid-run");
        assertTrue(total > LIMIT - 3 * LIMIT / 16, "the fleet could spend nearly all the budget: " + total);
        assertTrue(total <= LIMIT);
        // Every gateway's spend reaches the ledger the surviving members hold.
        long reportDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long reported = 0;
        while (System.nanoTime() < reportDeadline) {
            reported = 0;
            for (FleetNode node : nodes) {
                if (node.service().role() == Cluster.Role.LEADER) {
                    reported = node.service().ledger().reportedNanos("acme/day/1765065600000");
                }
            }
            if (reported == total) {
                break;
            }
            Thread.sleep(20);
        }
        assertEquals(total, reported, "the ledger holds every gateway's spend");
    }

    @Test
    void aDeadGatewaysUnusedLeaseReturnsAtItsExpiry() throws Exception {
        for (int n = 0; n < MEMBERS.size(); n++) {
            nodes.add(FleetNode.start(MEMBERS, n, dir.resolve("member-" + n)));
        }
        long ttlMillis = 2_000;
        Window dying = new Window();
        Window living = new Window();
        LeaseClient dyingClient = new LeaseClient(MEMBERS, "gw-dying", () -> List.of(dying), ttlMillis);
        clients.add(dyingClient);
        clients.add(new LeaseClient(MEMBERS, "gw-living", () -> List.of(living), ttlMillis));
        // The dying gateway spends a little and holds a lease of a sixteenth of the budget or more.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (dying.settled.get() < 3 * COST) {
            assertTrue(System.nanoTime() < deadline, "the dying gateway was never leased room");
            if (!dying.spend()) {
                dyingClient.shortOf(dying);
                Thread.sleep(1);
            }
        }
        while (leaderLedger().reportedNanos(dying.name()) != dying.settled.get()) {
            assertTrue(System.nanoTime() < deadline, "the dying gateway's spend never reached the ledger");
            Thread.sleep(1);
        }
        long heldByTheDead = dying.limit.get() - dying.settled.get();
        assertTrue(heldByTheDead > 0, "the dying gateway holds unused room");
        dyingClient.close(); // it stops renewing and reporting, as a killed gateway does
        long diedAt = System.nanoTime();
        // The living gateway spends everything else; the dead one's room comes back at its lease's expiry.
        long total = 0;
        while (System.nanoTime() < deadline) {
            if (!living.spend()) {
                clients.get(1).shortOf(living);
            }
            total = dying.settled.get() + living.settled.get();
            assertTrue(total <= LIMIT, "the fleet spent " + total + " of " + LIMIT);
            if (total > LIMIT - heldByTheDead / 2) {
                break;
            }
            Thread.sleep(1);
        }
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - diedAt);
        System.out.printf("a dead gateway's lease of %d nano-dollars came back after %d ms (ttl %d ms)%n",
                heldByTheDead, waitedMillis, ttlMillis);
        // Without the dead gateway's room the fleet could spend at most LIMIT - heldByTheDead.
        assertTrue(total > LIMIT - heldByTheDead / 2, "the living gateway spent what the dead one held: " + total);
        assertTrue(waitedMillis >= ttlMillis / 2, "no earlier than the lease could expire: " + waitedMillis + " ms");
    }

    private io.aegis.cost.fleet.LeaseLedger leaderLedger() throws InterruptedException {
        while (true) {
            for (FleetNode node : nodes) {
                if (node.service().role() == Cluster.Role.LEADER) {
                    return node.service().ledger();
                }
            }
            Thread.sleep(1);
        }
    }
}
