package io.aegis.fleet;

import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.driver.MediaDriver;
import io.aeron.logbuffer.Header;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jctools.queues.MpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway's side of the budget cluster, on one owner thread (the cluster client is not
 * thread-safe): it sets each budget's limit in the cluster, asks for leases ahead of need, renews
 * them, reports what the gateway settled, and raises each scope's local limit as room is granted.
 * The request path never waits on it: reservations stay local against the room already granted.
 * Event loops that find a scope short of room say so through a lock-free queue ({@link #shortOf}),
 * and the owner asks for more at once instead of at its next tick.
 */
public final class LeaseClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseClient.class);
    /** How often spend is reported and leases reviewed. */
    static final long TICK_MILLIS = 20;
    /** A lease's lifetime by default; renewed well inside it. */
    public static final long DEFAULT_TTL_MILLIS = 10_000;
    /** Totals are sent again this often even when unchanged. */
    static final long RESEND_MILLIS = 250;
    /** An ask not answered in this time is sent again. */
    static final long ASK_TIMEOUT_MILLIS = 500;

    private final List<String> members;
    private final long ttlMillis;
    private final String gatewayId;
    private final Supplier<List<LeaseScope>> scopes;
    private final MpscArrayQueue<LeaseScope> shortOfRoom = new MpscArrayQueue<>(4096);
    private final Map<String, Account> accounts = new HashMap<>();
    private final Map<Long, Account> waiting = new HashMap<>();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(256);
    /** The cluster's answer being read (a flyweight: one per client, on the owner thread). */
    private final UnsafeBuffer egressView = new UnsafeBuffer(0, 0);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean connected;
    /** Messages sent to the cluster since start: the lease traffic this gateway makes. */
    private final java.util.concurrent.atomic.AtomicLong messagesSent = new java.util.concurrent.atomic.AtomicLong();
    private MediaDriver driver;
    private AeronCluster cluster;
    private long nextCorrelation = 1;
    private long tick;
    /** When the cluster last answered: leases not renewed for most of their lifetime are not spent from. */
    private long lastAnswerMillis = System.currentTimeMillis();
    private volatile boolean frozen;

    /** What this gateway was granted and reported in one scope. */
    private static final class Account {
        final LeaseScope scope;
        long granted;
        long reported;
        long limitSent = -1;
        long lastRenewMillis;
        boolean asking;
        long askedAtMillis;
        long lastReportMillis;
        /** The tick that last listed this scope: one no longer listed (a past minute or day) is forgotten. */
        long listedTick;
        /** What this gateway had settled in the window before it joined the fleet's accounting (a restart). */
        final long baseline;

        Account(LeaseScope scope) {
            this.scope = scope;
            this.baseline = scope.settledNanos();
        }
    }

    /**
     * @param members   the cluster members' client endpoints ({@code fleet.cluster})
     * @param gatewayId this gateway's id in the fleet ({@code fleet.gateway_id})
     * @param scopes    the budget windows in force now (read on each tick: windows roll over)
     */
    public LeaseClient(List<String> members, String gatewayId, Supplier<List<LeaseScope>> scopes) {
        this(members, gatewayId, scopes, DEFAULT_TTL_MILLIS);
    }

    /** The same with leases of {@code ttlMillis} (a shorter lifetime notices a lost cluster sooner). */
    public LeaseClient(List<String> members, String gatewayId, Supplier<List<LeaseScope>> scopes, long ttlMillis) {
        this.ttlMillis = ttlMillis;
        this.members = List.copyOf(members);
        this.gatewayId = gatewayId;
        this.scopes = scopes;
        this.thread = new Thread(this::run, "aegis-fleet-" + gatewayId);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** From any thread (an event loop refused a reservation): {@code scope} needs room now. */
    public void shortOf(LeaseScope scope) {
        shortOfRoom.offer(scope); // a full queue already has enough asking in it
    }

    /** Messages sent to the cluster since start (limits, asks, renewals, reports). */
    public long messagesSent() {
        return messagesSent.get();
    }

    /** True once the cluster answered. */
    public boolean connected() {
        return connected;
    }

    private void run() {
        while (running) {
            try {
                connect();
                loop();
            } catch (RuntimeException e) {
                connected = false;
                if (System.currentTimeMillis() - lastAnswerMillis > ttlMillis * 3 / 4) {
                    freezeScopes();
                }
                LOG.warn("budget cluster unreachable ({}); reservations go on within the leases held",
                        e.getClass().getSimpleName());
                CloseHelper.quietClose(cluster);
                cluster = null;
                sleep(500);
            }
        }
        CloseHelper.quietClose(cluster);
        CloseHelper.quietClose(driver);
    }

    private void connect() {
        if (driver == null) {
            driver = FleetNode.clientDriver();
        }
        EgressListener egress = new EgressListener() {
            @Override
            public void onMessage(long clusterSessionId, long timestamp, DirectBuffer buffer, int offset, int length,
                                  Header header) {
                egressView.wrap(buffer, offset, length);
                granted(egressView);
            }
        };
        cluster = FleetNode.connectClient(driver, members, egress,
                TimeUnit.MILLISECONDS.toNanos(Math.max(500, ttlMillis / 2)));
        connected = true;
        // A new session: what was sent before may be lost; limits and asks go again.
        accounts.values().forEach(a -> {
            a.limitSent = -1;
            a.asking = false;
        });
        waiting.clear();
    }

    private void loop() {
        long nextTick = 0;
        while (running) {
            int work = cluster.pollEgress();
            LeaseScope urgent;
            while ((urgent = shortOfRoom.poll()) != null) {
                review(account(urgent), System.currentTimeMillis(), true);
                work++;
            }
            long now = System.currentTimeMillis();
            if (now - lastAnswerMillis > ttlMillis * 3 / 4) {
                // The cluster has not renewed these leases for most of their lifetime: it may soon give
                // them to others, so nothing more is spent from them until it answers again.
                freezeScopes();
            }
            if (now >= nextTick) {
                tick++;
                for (LeaseScope scope : scopes.get()) {
                    Account account = account(scope);
                    account.listedTick = tick;
                    review(account, now, false);
                }
                forgetUnlisted();
                nextTick = now + TICK_MILLIS;
            }
            if (work == 0) {
                sleep(1);
            }
        }
    }

    private Account account(LeaseScope scope) {
        Account account = accounts.get(scope.name());
        if (account == null) {
            account = new Account(scope);
            account.listedTick = tick;
            accounts.put(scope.name(), account);
        }
        return account;
    }

    /**
     * Forgets the scopes the last tick no longer listed: windows that ended (every minute of a
     * per-minute limit is a scope of its own) and budgets no longer limited. Their leases lapse in
     * the cluster at their expiry.
     */
    private void forgetUnlisted() {
        if (accounts.size() > 0) {
            accounts.values().removeIf(a -> a.listedTick != tick);
            waiting.values().removeIf(a -> a.listedTick != tick);
        }
    }

    /** Sends the limit, reports new spend, and asks for room when what is left runs low. */
    private void review(Account a, long now, boolean urgent) {
        LeaseScope scope = a.scope;
        if (a.limitSent != scope.limitNanos()) {
            send(LeaseMessages.limit(out, scope.name(), scope.limitNanos(), scope.untilMillis()));
            a.limitSent = scope.limitNanos();
        }
        long settled = scope.settledNanos();
        if (settled > a.reported || now - a.lastReportMillis > RESEND_MILLIS) {
            // Running totals: a report lost around a change of leader is made good by the next one.
            send(LeaseMessages.report(out, scope.name(), gatewayId, settled, 0));
            a.reported = settled;
            a.lastReportMillis = now;
        }
        long largestShort = scope.largestShortNanos();
        long chunk = Math.min(scope.limitNanos(), Math.max(Math.max(1, scope.limitNanos() / 16), 2 * largestShort));
        long room = a.baseline + a.granted - scope.committedNanos();
        if (largestShort > room) {
            urgent = true; // a reservation this size was refused: ask now, not when the room runs low
        }
        if (a.asking && now - a.askedAtMillis > ASK_TIMEOUT_MILLIS) {
            // The ask (or its answer) was lost, as around a change of leader: ask again.
            a.asking = false;
            waiting.values().remove(a);
        }
        if (!a.asking && (room < chunk / 2 || urgent)) {
            long correlation = nextCorrelation++;
            waiting.put(correlation, a);
            a.asking = true;
            a.askedAtMillis = now;
            // What it was granted so far goes along: a grant whose answer was lost is taken back.
            send(LeaseMessages.grant(out, correlation, scope.name(), gatewayId, chunk, ttlMillis, a.granted));
            a.lastRenewMillis = now;
        } else if (!a.asking && now - a.lastRenewMillis > ttlMillis / 4) {
            // Never while an ask is out: its grant is not in a.granted yet, and would be taken back.
            send(LeaseMessages.grant(out, 0, scope.name(), gatewayId, 0, ttlMillis, a.granted));
            a.lastRenewMillis = now;
        }
    }

    private void granted(UnsafeBuffer in) {
        if (in.getByte(0) != LeaseMessages.GRANTED) {
            return;
        }
        lastAnswerMillis = System.currentTimeMillis();
        frozen = false;
        Account a = waiting.remove(in.getLong(1));
        if (a == null) {
            return;
        }
        a.asking = false;
        a.granted += in.getLong(9);
        a.scope.leaseExpected(true);
        // Everything this gateway was granted (reported spend came out of it), over what it had
        // settled before it joined the fleet's accounting.
        a.scope.localLimit(a.baseline + a.granted);
    }

    /**
     * The cluster is out of reach: a fail-closed scope commits nothing more (what it holds reserved
     * still settles); a fail-open one up to its stated amount beyond the leases it holds.
     */
    private void freeze() {
        frozen = true;
        for (Account a : accounts.values()) {
            a.scope.leaseExpected(false);
            long failOpen = a.scope.failOpenNanos();
            a.scope.localLimit(failOpen > 0 ? a.baseline + a.granted + failOpen
                    : Math.min(a.baseline + a.granted, a.scope.committedNanos()));
        }
    }

    /** Freezes every scope in force, known to the owner or not yet (a cluster never reached). */
    private void freezeScopes() {
        for (LeaseScope scope : scopes.get()) {
            account(scope);
        }
        freeze();
    }

    /** True while the cluster is out of reach and the scopes run on their fail modes. */
    public boolean frozen() {
        return frozen;
    }

    private void send(int length) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        messagesSent.incrementAndGet();
        while (cluster.offer(out, 0, length) < 0) {
            cluster.pollEgress();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the budget cluster takes no messages");
            }
            Thread.onSpinWait();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
