package io.aegis.cost.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The lease ledger's invariant under every interleaving a fleet can produce, and its snapshot. */
class LeaseLedgerTest {
    private static final String DAY = "acme/day/2026-12-06";
    private static final long TTL = 1_000;

    @Test
    void grantsNeverExceedWhatTheBudgetHasLeft() {
        LeaseLedger ledger = new LeaseLedger();
        ledger.limit(DAY, 1_000);
        assertEquals(600, ledger.grant(DAY, "gw-1", 600, 0, TTL));
        assertEquals(400, ledger.grant(DAY, "gw-2", 600, 0, TTL), "only what is left");
        assertEquals(0, ledger.grant(DAY, "gw-3", 1, 0, TTL));
        ledger.report(DAY, "gw-1", 250, 350, 10);
        assertEquals(250, ledger.reportedNanos(DAY));
        assertEquals(0, ledger.leaseNanos(DAY, "gw-1"), "spent 250 and handed back the rest");
        assertEquals(350, ledger.grant(DAY, "gw-3", 500, 20, TTL), "what gw-1 handed back");
    }

    @Test
    void aSilentGatewaysLeaseReturnsOnlyAfterItsExpiry() {
        LeaseLedger ledger = new LeaseLedger();
        ledger.limit(DAY, 1_000);
        ledger.grant(DAY, "gw-1", 1_000, 0, TTL);
        assertEquals(0, ledger.grant(DAY, "gw-2", 100, TTL - 1, TTL), "still counted: its holder may be spending it");
        assertEquals(100, ledger.grant(DAY, "gw-2", 100, TTL, TTL), "returned at its expiry");
        // The silent gateway comes back and reports what it spent meanwhile: never forgotten.
        ledger.report(DAY, "gw-1", 300, 0, TTL + 5);
        assertEquals(300, ledger.reportedNanos(DAY));
        ledger.report(DAY, "gw-1", 300, 0, TTL + 6);
        ledger.report(DAY, "gw-1", 200, 0, TTL + 7);
        assertEquals(300, ledger.reportedNanos(DAY), "totals: a repeated or overtaken report changes nothing");
    }

    @Test
    void randomFleetsNeverSpendMoreThanTheLimitWhileEveryGatewayIsAlive() {
        SplittableRandom random = new SplittableRandom(17);
        for (int run = 0; run < 200; run++) {
            LeaseLedger ledger = new LeaseLedger();
            long limit = 1 + random.nextLong(100_000);
            ledger.limit(DAY, limit);
            int gateways = 1 + random.nextInt(5);
            long[] lease = new long[gateways];
            long[] unreported = new long[gateways];
            long[] expires = new long[gateways];
            long[] settledTotal = new long[gateways];
            long[] returnedTotal = new long[gateways];
            long ttl = 200 + random.nextInt(2_000);
            long actualSpend = 0;
            long now = 0;
            long margin = 100; // a live gateway reports before its lease expires, and stops spending from it first
            for (int step = 0; step < 500; step++) {
                now += random.nextInt(50);
                for (int other = 0; other < gateways; other++) {
                    if (unreported[other] > 0 && now >= expires[other] - margin) {
                        settledTotal[other] += unreported[other];
                        ledger.report(DAY, "gw-" + other, settledTotal[other], returnedTotal[other], now);
                        lease[other] -= unreported[other];
                        unreported[other] = 0;
                    }
                }
                int g = random.nextInt(gateways);
                String id = "gw-" + g;
                switch (random.nextInt(3)) {
                    case 0 -> {
                        if (now >= expires[g]) {
                            lease[g] = 0; // the ledger returned it (everything spent from it was reported first)
                        }
                        lease[g] += ledger.grant(DAY, id, 1 + random.nextLong(limit), now, ttl);
                        expires[g] = now + ttl;
                    }
                    case 1 -> {
                        // A request settles locally, within what the lease leaves, and only while it is valid.
                        long room = now < expires[g] - margin ? lease[g] - unreported[g] : 0;
                        long cost = room <= 0 ? 0 : random.nextLong(room + 1);
                        unreported[g] += cost;
                        actualSpend += cost;
                    }
                    default -> {
                        long back = random.nextBoolean() ? lease[g] - unreported[g] : 0;
                        settledTotal[g] += unreported[g];
                        returnedTotal[g] += back;
                        ledger.report(DAY, id, settledTotal[g], returnedTotal[g], now);
                        lease[g] -= unreported[g] + back;
                        unreported[g] = 0;
                    }
                }
                assertTrue(ledger.reportedNanos(DAY) + ledger.outstandingNanos(DAY) <= limit, "invariant");
                assertTrue(actualSpend <= limit, "actual " + actualSpend + " over " + limit);
            }
        }
    }

    @Test
    void aSnapshotRestoresEveryScopeAndLease() throws Exception {
        LeaseLedger ledger = new LeaseLedger();
        ledger.limit(DAY, 1_000);
        ledger.limit("acme/month/2026-12", 20_000);
        ledger.limit("acme/rpm/60000", 60, 120_000, 60_000);
        ledger.grant(DAY, "gw-1", 300, 5, TTL);
        ledger.report(DAY, "gw-1", 120, 0, 6);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ledger.write(new DataOutputStream(bytes));
        LeaseLedger restored = LeaseLedger.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(120, restored.reportedNanos(DAY));
        assertEquals(180, restored.leaseNanos(DAY, "gw-1"));
        assertEquals(20_000, restored.limitNanos("acme/month/2026-12"));
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        restored.write(new DataOutputStream(again));
        assertEquals(java.util.Arrays.toString(bytes.toByteArray()), java.util.Arrays.toString(again.toByteArray()),
                "replicas that replay the same log write the same snapshot");
    }

    @Test
    void scopesWhoseWindowEndedLongAgoAreDropped() {
        LeaseLedger ledger = new LeaseLedger();
        ledger.limit(DAY, 1_000);
        ledger.limit("acme/rpm/0", 60, 60_000, 1_000);
        ledger.grant("acme/rpm/0", "gw-1", 10, 1_000, TTL);
        ledger.limit("acme/rpm/60000", 60, 120_000, 60_000);
        // Nine minutes after the first minute ended: both minutes are still held.
        ledger.limit("acme/rpm/600000", 60, 660_000, 60_000 + LeaseLedger.RETAIN_MILLIS - 1);
        assertEquals(4, ledger.scopeCount());
        assertEquals(10, ledger.leaseNanos("acme/rpm/0", "gw-1"));
        // Once the first minute ended RETAIN_MILLIS ago it goes; a scope without an end stays.
        ledger.limit("acme/rpm/660000", 60, 720_000, 60_000 + LeaseLedger.RETAIN_MILLIS);
        assertEquals(4, ledger.scopeCount());
        assertEquals(0, ledger.limitNanos("acme/rpm/0"));
        assertEquals(1_000, ledger.limitNanos(DAY));
        assertEquals(60, ledger.limitNanos("acme/rpm/60000"));
        assertEquals(0, ledger.grant("acme/rpm/0", "gw-1", 10, 700_000, TTL), "a dropped scope grants nothing");
    }

    @Test
    void aGrantWhoseAnswerNeverArrivedIsTakenBackAtTheGatewaysNextMessage() {
        LeaseLedger ledger = new LeaseLedger();
        ledger.limit(DAY, 1_000);
        assertEquals(300, ledger.grant(DAY, "gw-1", 300, 0, 0, TTL));
        // The answer to this one is lost: gw-1 still knows of 300 only.
        assertEquals(300, ledger.grant(DAY, "gw-1", 300, 300, 1, TTL));
        assertEquals(400, ledger.grant(DAY, "gw-2", 1_000, 0, 2, TTL), "what is left");
        ledger.report(DAY, "gw-1", 100, 0, 3);
        assertEquals(500, ledger.leaseNanos(DAY, "gw-1"));
        // A renewal saying 300 in all takes the lost 300 back at once; spend reported stays.
        assertEquals(0, ledger.grant(DAY, "gw-1", 0, 300, 4, TTL));
        assertEquals(200, ledger.leaseNanos(DAY, "gw-1"));
        assertEquals(100, ledger.reportedNanos(DAY));
        assertEquals(300, ledger.grant(DAY, "gw-3", 1_000, 0, 5, TTL), "the lost room is granted again");
        // A gateway that knows of everything it was granted loses nothing.
        assertEquals(0, ledger.grant(DAY, "gw-2", 0, 400, 6, TTL));
        assertEquals(400, ledger.leaseNanos(DAY, "gw-2"));
    }
}
