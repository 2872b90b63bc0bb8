package io.aegis.fleet;

/**
 * One window a gateway enforces locally against its lease: the cluster's name for it, the
 * configured limit, this gateway's spend in it, and where the room the lease gives is set. Read
 * and set by the lease client's thread; the spend figures are read without locks. A budget's
 * window counts nano-dollars; a per-minute limit's UTC minute counts requests or tokens (the
 * "nanos" below are then those units).
 */
public interface LeaseScope {
    /** The cluster's scope name: the budget and its window ({@code acme/day/1765065600000}). */
    String name();

    /** The budget's configured limit for the whole fleet, in nano-dollars. */
    long limitNanos();

    /** When the window ends (epoch ms): the cluster forgets the scope a while after. */
    default long untilMillis() {
        return Long.MAX_VALUE;
    }

    /** What this gateway settled in the window so far. */
    long settledNanos();

    /** What this gateway settled or holds reserved in the window now. */
    long committedNanos();

    /** Lets this gateway commit up to {@code nanos} in the window (its leases so far). */
    void localLimit(long nanos);

    /** Whether a lease may be on its way: false while the cluster is out of reach (requests then do not wait). */
    default void leaseExpected(boolean expected) {
    }

    /**
     * How much this gateway may commit beyond its leases while the budget cluster is unreachable:
     * 0 fails closed (the default).
     */
    default long failOpenNanos() {
        return 0;
    }

    /** The largest reservation the leases could not hold so far: leases are asked at least twice that. */
    default long largestShortNanos() {
        return 0;
    }
}
