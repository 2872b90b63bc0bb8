package io.aegis.cost;

/**
 * One window of a limit a fleet of gateways shares, as the fleet's lease client sees it: what this
 * gateway used in it, what it holds, and the room the budget cluster leased it. A budget's UTC day
 * or month counts nano-dollars ({@link SpendWindow}); a per-minute limit's UTC minute counts requests
 * or tokens ({@link MinuteWindow}). Read and set without locks.
 */
public interface LeasedWindow {
    long startMillis();

    long endMillis();

    /** What this gateway used for good in the window: settled spend, or admitted units. */
    long used();

    /** What it used or holds in flight now. */
    long committed();

    /** Lets this gateway commit up to {@code amount} in the window (its leases so far). */
    void leased(long amount);

    /** Whether a lease may be on its way (false while the budget cluster is out of reach). */
    void leaseExpected(boolean expected);

    /** The largest admission the leases could not hold so far: the next ask is at least twice that. */
    long largestShort();
}
