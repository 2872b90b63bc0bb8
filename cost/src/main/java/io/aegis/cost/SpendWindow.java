package io.aegis.cost;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * A tenant's spend in one calendar window (a UTC day or month): what is committed (settled plus
 * reserved and not yet settled) and what is settled, in nano-dollars. A reservation is admitted
 * by one compare-and-set only while committed stays within the limit, so settled spend, which never
 * exceeds what was reserved for it, never exceeds the limit either. The two counters sit on their
 * own cache lines: every event loop writes them.
 */
public final class SpendWindow implements LeasedWindow {
    private static final AtomicLongFieldUpdater<SpendWindow> COMMITTED =
            AtomicLongFieldUpdater.newUpdater(SpendWindow.class, "committed");
    private static final AtomicLongFieldUpdater<SpendWindow> SETTLED =
            AtomicLongFieldUpdater.newUpdater(SpendWindow.class, "settled");

    final long startMillis;
    final long endMillis;
    @SuppressWarnings("unused")
    private long p1, p2, p3, p4, p5, p6, p7;
    private volatile long committed;
    @SuppressWarnings("unused")
    private long q1, q2, q3, q4, q5, q6, q7;
    private volatile long settled;
    @SuppressWarnings("unused")
    private long r1, r2, r3, r4, r5, r6, r7;
    /** Settled beyond what was reserved (a provider that billed past the request's own caps). */
    private volatile long overrun;
    /**
     * For a budget shared by a fleet of gateways: what this gateway may commit in this window (the
     * leases the budget cluster granted it); unlimited for a budget of its own.
     */
    private volatile long leasedNanos = Long.MAX_VALUE;
    /** False while the budget cluster is out of reach: no lease is on its way, so nothing waits for one. */
    private volatile boolean leaseExpected = true;
    /** The largest reservation the lease could not hold: how much room the fleet should lease at once. */
    private volatile long largestShortNanos;

    /** Where settlements are mirrored for crash recovery, or {@code null}. */
    private final SpendLedger.Slot ledger;
    private final boolean daily;

    SpendWindow(long startMillis, long endMillis, long settledBefore, SpendLedger.Slot ledger, boolean daily) {
        this.startMillis = startMillis;
        this.endMillis = endMillis;
        this.committed = settledBefore;
        this.settled = settledBefore;
        this.ledger = ledger;
        this.daily = daily;
        if (ledger != null) {
            ledger.begin(daily, startMillis, settledBefore);
        }
    }

    @Override
    public void leaseExpected(boolean expected) {
        leaseExpected = expected;
    }

    public boolean leaseExpected() {
        return leaseExpected;
    }

    @Override
    public void leased(long nanos) {
        leasedNanos = nanos;
    }

    /** A reservation of {@code nanos} did not fit in this gateway's leases (a racy maximum is enough). */
    void shortOf(long nanos) {
        if (nanos > largestShortNanos) {
            largestShortNanos = nanos;
        }
    }

    /** The largest reservation the leases could not hold so far (0: none). */
    public long largestShortNanos() {
        return largestShortNanos;
    }

    /** What this gateway may commit in this window: the fleet's leases, or unlimited. */
    public long leasedNanos() {
        return leasedNanos;
    }

    /** Adds {@code nanos} to the committed spend if it stays within {@code limitNanos}. */
    boolean tryCommit(long nanos, long limitNanos) {
        while (true) {
            long current = committed;
            if (current + nanos > limitNanos) {
                return false;
            }
            if (COMMITTED.compareAndSet(this, current, current + nanos)) {
                return true;
            }
        }
    }

    void release(long nanos) {
        COMMITTED.addAndGet(this, -nanos);
    }

    /** Replaces a reservation by the actual cost. */
    void settle(long reservedNanos, long actualNanos) {
        COMMITTED.addAndGet(this, actualNanos - reservedNanos);
        SETTLED.addAndGet(this, actualNanos);
        if (ledger != null && actualNanos != 0) {
            ledger.add(daily, actualNanos);
        }
        if (actualNanos > reservedNanos) {
            OVERRUN.addAndGet(this, actualNanos - reservedNanos);
        }
    }

    private static final AtomicLongFieldUpdater<SpendWindow> OVERRUN =
            AtomicLongFieldUpdater.newUpdater(SpendWindow.class, "overrun");

    public long settledNanos() {
        return settled;
    }

    @Override
    public long used() {
        return settled;
    }

    @Override
    public long committed() {
        return committed;
    }

    @Override
    public long largestShort() {
        return largestShortNanos;
    }

    public long committedNanos() {
        return committed;
    }

    public long overrunNanos() {
        return overrun;
    }

    @Override
    public long startMillis() {
        return startMillis;
    }

    @Override
    public long endMillis() {
        return endMillis;
    }
}
