package io.aegis.gateway.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.fleet.FleetNode;
import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways with the same {@code fleet} and a three-member budget cluster: one tenant budget,
 * requests through both gateways until it is spent. Together they spend it, and never more.
 */
class FleetGatewayTest {
    private static final List<String> MEMBERS = List.of("127.0.0.1:20900", "127.0.0.1:20910", "127.0.0.1:20920");
    private static final long BUDGET_NANOS = 10_000_000; // one cent

    @TempDir
    Path dir;
    private final List<FleetNode> nodes = new ArrayList<>();
    private final List<TestGateway> gateways = new ArrayList<>();
    private io.aegis.fleet.MemberProcesses members;

    @AfterEach
    void close() {
        gateways.forEach(CloseHelper::quietClose);
        nodes.forEach(CloseHelper::quietClose);
        if (members != null) {
            members.close();
        }
    }

    @Test
    void threeGatewaysUnderConcurrentLoadAcrossTheLeadersSigkillNeverOverspend() throws Exception {
        // The members run as processes of their own, so the leader can be killed with SIGKILL mid-run.
        members = new io.aegis.fleet.MemberProcesses(MEMBERS, dir.resolve("cluster"));
        members.startAll();
        members.leader();
        startGateways("budget: { usd_per_day: 0.01 }", "gw-a", "gw-b", "gw-c");
        long messagesBefore = gateways.stream().mapToLong(g -> g.runtime().fleet().messagesSent()).sum();
        long startNanos = System.nanoTime();
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(24);
        java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        List<java.util.concurrent.Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            TestGateway gateway = gateways.get(i % 3);
            calls.add(callers.submit(() -> {
                try (RawHttp http = new RawHttp(gateway.port())) {
                    RawHttp.Response response = http.send(RawHttp.post("/v1/messages",
                            "x-api-key: " + TestGateway.ACME_KEY + "\r\n",
                            "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
                                    + "\"content\":\"Say something short about budgets.\"}]}")).read();
                    (response.status() == 200 ? served : refused).incrementAndGet();
                    if (response.status() != 200) {
                        // A refused caller pauses briefly (pacing, not waiting for anything), so the load
                        // spans the leader's death rather than ending in a burst of refusals.
                        Thread.sleep(10);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                sent.incrementAndGet();
                return null;
            }));
        }
        boolean leaderKilled = false;
        while (calls.stream().anyMatch(f -> !f.isDone())) {
            assertTrue(spent() <= BUDGET_NANOS, "the fleet spent " + spent() + " of " + BUDGET_NANOS);
            if (!leaderKilled && spent() > BUDGET_NANOS / 3) {
                members.kill(members.leader()); // SIGKILL: no snapshot, no goodbye
                leaderKilled = true;
            }
            Thread.sleep(5);
        }
        for (java.util.concurrent.Future<?> call : calls) {
            call.get(); // a caller's failure fails the test
        }
        callers.shutdown();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long messages = gateways.stream().mapToLong(g -> g.runtime().fleet().messagesSent()).sum() - messagesBefore;
        System.out.printf("fleet under load: %d served, %d refused, spent %d of %d nano-dollars, leader killed %s, "
                        + "lease traffic %.0f messages/s from 3 gateways over %.1f s%n",
                served.get(), refused.get(), spent(), BUDGET_NANOS, leaderKilled, messages / seconds, seconds);
        assertTrue(spent() <= BUDGET_NANOS, "the fleet spent " + spent() + " of " + BUDGET_NANOS);
        assertTrue(leaderKilled, "the leader was killed mid-run");
        assertEquals(600, served.get() + refused.get());
        // Once the load is over (and the new leader settled in), what is left can still be spent.
        int refusedInARow = 0;
        for (int i = 0; i < 600 && refusedInARow < 30; i++) {
            // A refusal comes only after the gateway waited (up to 250 ms) for a lease on its way.
            refusedInARow = status(gateways.get(i % 3)) == 200 ? 0 : refusedInARow + 1;
            assertTrue(spent() <= BUDGET_NANOS, "the fleet spent " + spent() + " of " + BUDGET_NANOS);
        }
        assertTrue(spent() > BUDGET_NANOS / 2, "together they spent " + spent());
    }

    @Test
    void aClusterOutOfReachRunsEachBudgetOnItsFailMode() throws Exception {
        // Nothing listens on these ports: the gateways never reach a cluster.
        String unreachable = "fleet: { cluster: [\"127.0.0.1:21900\"], gateway_id: gw-x, lease_ttl_ms: 1000 }\n";
        TestGateway open = TestGateway.builder().dataDir(dir.resolve("open")).control().topExtra(unreachable)
                .acmeExtra("budget: { usd_per_day: 1, fleet: { fail_open_up_to: 0.004 } }").start();
        TestGateway closed = TestGateway.builder().dataDir(dir.resolve("closed")).topExtra(unreachable)
                .acmeExtra("budget: { usd_per_day: 1, fleet: fail_closed }").start();
        gateways.add(open);
        gateways.add(closed);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!open.runtime().fleet().unreachable() || !closed.runtime().fleet().unreachable()) {
            assertTrue(System.nanoTime() < deadline, "the gateways never gave up on the cluster");
            Thread.sleep(20);
        }
        int openServed = 0;
        int closedServed = 0;
        for (int i = 0; i < 30; i++) {
            openServed += status(open) == 200 ? 1 : 0;
            closedServed += status(closed) == 200 ? 1 : 0;
        }
        long openSpent = open.runtime().costs().budgets().get("acme").today(System.currentTimeMillis()).settledNanos();
        assertTrue(openServed > 0 && openSpent <= 4_000_000, "fail open up to 0.004 USD: served " + openServed
                + " for " + openSpent);
        assertTrue(openServed < 30, "and no further");
        assertEquals(0, closedServed, "fail closed: nothing beyond the leases held, and none are held");

        var usage = io.aegis.gateway.control.ControlTestAccess.usage(open, "acme");
        assertEquals(false, usage.path("fleet").path("connected").asBoolean(true));
        assertEquals("fail_open_up_to", usage.path("fleet").path("fail_mode").asText());
        assertTrue(io.aegis.gateway.control.ControlTestAccess.metrics(open).contains("aegis_fleet_cluster_reachable 0"));
        assertEquals(false, io.aegis.gateway.control.ControlTestAccess.dashboard(open).path("fleet")
                .path("connected").asBoolean(true), "the dashboard says the budget cluster is out of reach");
    }

    private static int status(TestGateway gateway) throws Exception {
        try (RawHttp http = new RawHttp(gateway.port())) {
            int status = http.send(RawHttp.post("/v1/messages", "x-api-key: " + TestGateway.ACME_KEY + "\r\n",
                    "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"Say something short about budgets.\"}]}")).read().status();
            gateway.nextCompleted();
            return status;
        }
    }

    /** Gateways {@code ids} on the fleet, acme with {@code acmeExtra}; returns once every one reached the cluster. */
    private void startGateways(String acmeExtra, String... ids) throws Exception {
        for (String id : ids) {
            gateways.add(TestGateway.builder().dataDir(dir.resolve(id))
                    .topExtra("fleet: { cluster: [\"" + String.join("\", \"", MEMBERS) + "\"], gateway_id: " + id + " }\n")
                    .acmeExtra(acmeExtra).start());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!gateways.stream().allMatch(g -> g.runtime().fleet().connected())) {
            assertTrue(System.nanoTime() < deadline, "the gateways never reached the budget cluster");
            Thread.sleep(20); // polling the gateways' state, with a deadline
        }
    }

    /** What the gateways settled today, together. */
    private long spent() {
        long now = System.currentTimeMillis();
        return gateways.stream().mapToLong(g -> g.runtime().costs().budgets().get("acme").today(now).settledNanos()).sum();
    }

    @Test
    void twoGatewaysShareOneBudgetAndNeverOverspendIt() throws Exception {
        for (int n = 0; n < MEMBERS.size(); n++) {
            nodes.add(FleetNode.start(MEMBERS, n, dir.resolve("member-" + n)));
        }
        startGateways("budget: { usd_per_day: 0.01 }", "gw-a", "gw-b");
        long spent = 0;
        int refusedInARow = 0;
        int served = 0;
        for (int i = 0; i < 400 && refusedInARow < 20; i++) {
            TestGateway gateway = gateways.get(i % 2);
            try (RawHttp http = new RawHttp(gateway.port())) {
                RawHttp.Response response = http.send(RawHttp.post("/v1/messages",
                        "x-api-key: " + TestGateway.ACME_KEY + "\r\n",
                        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
                                + "\"content\":\"Say something short about budgets.\"}]}")).read();
                TestGateway.Completed done = gateway.nextCompleted();
                if (response.status() == 200) {
                    spent += done.costNanos();
                    served++;
                    refusedInARow = 0;
                } else {
                    assertTrue(response.status() == 429, response.body());
                    refusedInARow++; // after the gateway waited (up to 250 ms) for a lease on its way
                }
            }
            assertTrue(spent <= BUDGET_NANOS, "the fleet spent " + spent + " of " + BUDGET_NANOS);
        }
        System.out.printf("fleet: served %d requests, spent %d of %d nano-dollars%n", served, spent, BUDGET_NANOS);
        assertTrue(served > 10, "served " + served);
        assertTrue(spent > BUDGET_NANOS / 2, "together they spent " + spent + " of " + BUDGET_NANOS);
    }

    @Test
    void twoGatewaysShareAPerMinuteLimitAndAdmitExactlyItInEachMinute() throws Exception {
        for (int n = 0; n < MEMBERS.size(); n++) {
            nodes.add(FleetNode.start(MEMBERS, n, dir.resolve("member-" + n)));
        }
        int perMinute = 12;
        startGateways("limits: { requests_per_minute: " + perMinute + " }", "gw-a", "gw-b");
        // Requests alternate between the gateways until both refuse in one UTC minute (each refusal
        // has waited for a lease the cluster could not give). Each gateway alone would admit 12.
        java.util.Map<Long, Integer> admittedByMinute = new java.util.TreeMap<>();
        java.util.Set<Long> straddled = new java.util.HashSet<>(); // minutes an admission at their turn may count in
        long refusalMinute = -1;
        int lastStatus = 0;
        long lastMinute = -1;
        for (int i = 0; i < 200 && refusalMinute < 0; i++) {
            long before = io.aegis.cost.MinuteWindow.minuteStartMillis(System.currentTimeMillis());
            int status = status(gateways.get(i % 2));
            long after = io.aegis.cost.MinuteWindow.minuteStartMillis(System.currentTimeMillis());
            if (status == 200) {
                if (before == after) {
                    admittedByMinute.merge(before, 1, Integer::sum);
                } else {
                    straddled.add(after);
                }
            } else {
                assertEquals(429, status);
                if (lastStatus == 429 && before == after && lastMinute == before) {
                    refusalMinute = before;
                }
            }
            lastStatus = status;
            lastMinute = before == after ? before : -1;
            admittedByMinute.forEach((minute, admitted) -> assertTrue(admitted <= perMinute,
                    "the fleet admitted " + admitted + " requests in the minute from " + minute));
        }
        assertTrue(refusalMinute >= 0, "both gateways came to refuse in one minute: " + admittedByMinute);
        // No request the limit could have served was refused: the minute both refused in is full.
        int admitted = admittedByMinute.getOrDefault(refusalMinute, 0);
        assertTrue(admitted == perMinute || straddled.contains(refusalMinute) && admitted == perMinute - 1,
                "admitted in the minute both gateways refused in: " + admittedByMinute);
        long now = System.currentTimeMillis();
        long leased = gateways.stream().mapToLong(g -> g.runtime().costs().tenant("acme").requestsPerMinute()
                .minute(now).committedUnits()).sum();
        assertTrue(leased <= perMinute, "the gateways' own counts of this minute: " + leased);
    }
}
