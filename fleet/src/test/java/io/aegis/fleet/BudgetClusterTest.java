package io.aegis.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.cluster.service.Cluster;
import io.aeron.driver.MediaDriver;
import io.aeron.logbuffer.Header;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three budget cluster members in this JVM on loopback and one client: leases granted from what the
 * budget has left, the same ledger on every member, and the ledger kept when the leader dies.
 */
class BudgetClusterTest {
    private static final List<String> MEMBERS = List.of("127.0.0.1:20700", "127.0.0.1:20710", "127.0.0.1:20720");
    private static final String SCOPE = "acme/day/2026-12-06";

    @TempDir
    Path dir;
    private final List<FleetNode> nodes = new ArrayList<>();
    private MediaDriver clientDriver;
    private AeronCluster client;
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(256);
    private long lastGranted = -1;
    private long lastCorrelation = -1;
    private int newLeaders;

    @AfterEach
    void close() {
        CloseHelper.quietClose(client);
        CloseHelper.quietClose(clientDriver);
        nodes.forEach(CloseHelper::quietClose);
    }

    private void connect() {
        clientDriver = FleetNode.clientDriver();
        EgressListener egress = new EgressListener() {
            @Override
            public void onMessage(long clusterSessionId, long timestamp, DirectBuffer buffer, int offset, int length,
                                  Header header) {
                UnsafeBuffer in = new UnsafeBuffer(buffer, offset, length);
                if (in.getByte(0) == LeaseMessages.GRANTED) {
                    lastCorrelation = in.getLong(1);
                    lastGranted = in.getLong(9);
                }
            }

            @Override
            public void onNewLeader(long clusterSessionId, long leadershipTermId, int leaderMemberId,
                                    String ingressEndpoints) {
                newLeaders++;
            }
        };
        client = FleetNode.connectClient(clientDriver, MEMBERS, egress, TimeUnit.SECONDS.toNanos(10));
    }

    private void send(int length) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (client.offer(out, 0, length) < 0) {
            client.pollEgress();
            assertTrue(System.nanoTime() < deadline, "the cluster took no message for 20 s");
            Thread.onSpinWait();
        }
    }

    private long grant(long correlation, String gateway, long want) {
        send(LeaseMessages.grant(out, correlation, SCOPE, gateway, want, 60_000, -1));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (lastCorrelation != correlation) {
            client.pollEgress();
            assertTrue(System.nanoTime() < deadline, "no answer to grant " + correlation);
            Thread.onSpinWait();
        }
        return lastGranted;
    }

    private FleetNode leader() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            for (FleetNode node : nodes) {
                if (node.service().role() == Cluster.Role.LEADER) {
                    return node;
                }
            }
            assertTrue(System.nanoTime() < deadline, "no leader elected");
            client.pollEgress();
            Thread.onSpinWait();
        }
    }

    @Test
    void leasesComeFromWhatIsLeftAndSurviveTheLeadersDeath() {
        for (int n = 0; n < MEMBERS.size(); n++) {
            nodes.add(FleetNode.start(MEMBERS, n, dir.resolve("member-" + n)));
        }
        connect();
        send(LeaseMessages.limit(out, SCOPE, 1_000, Long.MAX_VALUE));
        assertEquals(600, grant(1, "gw-1", 600));
        assertEquals(400, grant(2, "gw-2", 600), "only what the budget has left");
        send(LeaseMessages.report(out, SCOPE, "gw-1", 250, 350));
        assertEquals(300, grant(3, "gw-3", 300), "from what gw-1 handed back");

        FleetNode old = leader();
        nodes.remove(old);
        old.close();
        FleetNode next = leader();
        assertTrue(next != old);
        // The client learns of the new leader from its egress, then sends there.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (newLeaders == 0) {
            client.pollEgress();
            assertTrue(System.nanoTime() < deadline, "the client never heard of the new leader");
            Thread.onSpinWait();
        }
        // The new leader holds the same ledger: 50 left, not a fresh budget.
        assertEquals(50, grant(4, "gw-3", 500));
        assertEquals(250, next.service().ledger().reportedNanos(SCOPE));
    }

    @Test
    void theLedgerSurvivesARestartOfEveryMemberFromItsSnapshotAndLog() {
        for (int n = 0; n < MEMBERS.size(); n++) {
            nodes.add(FleetNode.start(MEMBERS, n, dir.resolve("member-" + n)));
        }
        connect();
        send(LeaseMessages.limit(out, SCOPE, 1_000, Long.MAX_VALUE));
        assertEquals(600, grant(1, "gw-1", 600));
        send(LeaseMessages.report(out, SCOPE, "gw-1", 250, 350));
        FleetNode leader = leader();
        int leaderIndex = nodes.indexOf(leader);
        assertTrue(io.aeron.cluster.ClusterTool.snapshot(
                dir.resolve("member-" + leaderIndex).resolve("cluster").toFile(), System.out), "a snapshot was taken");
        // After the snapshot, more goes into the log only: a restart loads the one and replays the other.
        assertEquals(300, grant(2, "gw-2", 300));
        send(LeaseMessages.report(out, SCOPE, "gw-2", 100, 0));
        assertEquals(450, grant(3, "gw-3", 500), "1000 - 350 reported - 200 leased");

        CloseHelper.quietClose(client);
        CloseHelper.quietClose(clientDriver);
        nodes.forEach(CloseHelper::quietClose);
        nodes.clear();
        for (int n = 0; n < MEMBERS.size(); n++) {
            nodes.add(FleetNode.start(MEMBERS, n, dir.resolve("member-" + n)));
        }
        connect();
        leader();
        // Every lease is still held (a minute's lifetime): nothing is left to grant.
        assertEquals(0, grant(4, "gw-4", 500));
        send(LeaseMessages.report(out, SCOPE, "gw-3", 0, 100));
        assertEquals(100, grant(5, "gw-4", 500), "what gw-3 handed back after the restart");
        // Every member holds the same ledger as before the restart.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (FleetNode node : nodes) {
            while (node.service().ledger().reportedNanos(SCOPE) != 350
                    || node.service().ledger().outstandingNanos(SCOPE) != 650) {
                assertTrue(System.nanoTime() < deadline, "a member's ledger after the restart: reported "
                        + node.service().ledger().reportedNanos(SCOPE) + ", leased "
                        + node.service().ledger().outstandingNanos(SCOPE));
                client.pollEgress();
                Thread.onSpinWait();
            }
            assertEquals(1_000, node.service().ledger().limitNanos(SCOPE));
            assertTrue(node.service().startedFromSnapshot(), "every member loaded the snapshot, then the log");
        }
    }
}
