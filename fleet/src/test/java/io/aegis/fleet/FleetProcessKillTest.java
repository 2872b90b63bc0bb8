package io.aegis.fleet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three members as processes of their own; the leader killed with SIGKILL while two gateways'
 * lease clients spend; then restarted over its own log. Spend never passes the budget, the
 * budget goes on being spent under the new leader, and the killed member comes back as a follower.
 */
class FleetProcessKillTest {
    private static final List<String> MEMBERS = List.of("127.0.0.1:21000", "127.0.0.1:21010", "127.0.0.1:21020");
    /** The budget the windows of {@link FleetSpendTest.Window} share. */
    private static final long LIMIT = FleetSpendTest.LIMIT;

    @TempDir
    Path dir;
    private MemberProcesses members;
    private final List<LeaseClient> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(CloseHelper::quietClose);
        if (members != null) {
            members.close();
        }
    }

    @Test
    void theLeaderKilledWithSigkillLosesNoBudgetAndComesBackAsAFollower() throws Exception {
        members = new MemberProcesses(MEMBERS, dir);
        members.startAll();
        members.leader();
        List<FleetSpendTest.Window> windows = new ArrayList<>();
        for (int g = 0; g < 2; g++) {
            FleetSpendTest.Window window = new FleetSpendTest.Window();
            windows.add(window);
            clients.add(new LeaseClient(MEMBERS, "gw-" + g, () -> List.of(window)));
        }
        int killed = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        long total = 0;
        while (System.nanoTime() < deadline) {
            total = FleetSpendTest.spendOnceEach(windows, clients);
            if (killed < 0 && total > LIMIT / 3) {
                killed = members.leader();
                members.kill(killed); // SIGKILL: no snapshot, no goodbye
            }
            if (killed >= 0 && total > LIMIT - 3 * LIMIT / 16) {
                break;
            }
            Thread.sleep(1);
        }
        assertTrue(killed >= 0, "the leader was killed mid-run");
        assertTrue(total > LIMIT - 3 * LIMIT / 16, "spent on under the new leader: " + total);
        int next = members.leader();
        assertTrue(next != killed);
        members.start(killed);
        long back = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!members.role(killed).equals("FOLLOWER")) {
            assertTrue(System.nanoTime() < back, "the killed member did not rejoin: " + members.role(killed));
            Thread.sleep(20);
        }
    }
}
