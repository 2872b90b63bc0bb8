package io.aegis.fleet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
    private static final long LIMIT = 10_000_000;
    private static final long COST = 7_919;

    @TempDir
    Path dir;
    private final Process[] members = new Process[3];
    @SuppressWarnings("unchecked")
    private final AtomicReference<String>[] roles = new AtomicReference[] {
        new AtomicReference<>(""), new AtomicReference<>(""), new AtomicReference<>("")};
    private final List<LeaseClient> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(CloseHelper::quietClose);
        for (Process member : members) {
            if (member != null) {
                member.destroyForcibly();
            }
        }
    }

    private void start(int n) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (flag.startsWith("--add-") || flag.startsWith("--enable-native-access")) {
                command.add(flag);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FleetNodeMain.class.getName(),
                String.join(",", MEMBERS), String.valueOf(n), dir.resolve("member-" + n).toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        members[n] = process;
        roles[n].set("");
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("role ")) {
                        roles[n].set(line.substring(5));
                    } else if (line.contains("Exception") || line.contains("ERROR")) {
                        System.out.println("member " + n + ": " + line);
                    }
                }
            } catch (Exception ignored) {
                // the process died
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    private int leader() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (int n = 0; n < 3; n++) {
                if (members[n] != null && members[n].isAlive() && roles[n].get().equals("LEADER")) {
                    return n;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no leader elected");
    }

    @Test
    void theLeaderKilledWithSigkillLosesNoBudgetAndComesBackAsAFollower() throws Exception {
        for (int n = 0; n < 3; n++) {
            start(n);
        }
        leader();
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
            for (int g = 0; g < windows.size(); g++) {
                if (!windows.get(g).spend()) {
                    clients.get(g).shortOf(windows.get(g));
                }
            }
            total = windows.stream().mapToLong(w -> w.settled.get()).sum();
            assertTrue(total <= LIMIT, "the fleet spent " + total + " of " + LIMIT);
            if (killed < 0 && total > LIMIT / 3) {
                killed = leader();
                members[killed].destroyForcibly(); // SIGKILL: no snapshot, no goodbye
                members[killed].waitFor();
            }
            if (killed >= 0 && total > LIMIT - 3 * LIMIT / 16) {
                break;
            }
            Thread.sleep(1);
        }
        assertTrue(killed >= 0, "the leader was killed mid-run");
        assertTrue(total > LIMIT - 3 * LIMIT / 16, "spent on under the new leader: " + total);
        int next = leader();
        assertTrue(next != killed);
        start(killed);
        long back = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!roles[killed].get().equals("FOLLOWER")) {
            assertTrue(System.nanoTime() < back, "the killed member did not rejoin: " + roles[killed].get());
            Thread.sleep(20);
        }
    }
}
