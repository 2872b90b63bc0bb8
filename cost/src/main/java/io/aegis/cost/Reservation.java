package io.aegis.cost;

/**
 * One request's hold on a budget, reused from request to request (a field of the exchange, never
 * allocated per request). Settle or release it exactly once; a second call does nothing.
 */
public final class Reservation {
    private Budget budget;
    private SpendWindow day;
    private SpendWindow month;
    private long reservedNanos;

    void hold(Budget budget, SpendWindow day, SpendWindow month, long nanos) {
        this.budget = budget;
        this.day = day;
        this.month = month;
        this.reservedNanos = nanos;
    }

    public boolean active() {
        return budget != null;
    }

    public long reservedNanos() {
        return reservedNanos;
    }

    /** Replaces the reservation by the actual cost and releases the rest. */
    public void settle(long actualNanos) {
        if (budget == null) {
            return;
        }
        day.settle(reservedNanos, actualNanos);
        month.settle(reservedNanos, actualNanos);
        budget = null;
    }

    /** Releases the reservation: nothing was spent. */
    public void release() {
        settle(0);
    }
}
