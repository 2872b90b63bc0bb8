package io.aegis.gateway.cost;

import io.aegis.cost.MinuteWindow;
import io.aegis.cost.RateLimit;

/**
 * The per-minute limits one request was admitted by (its tenant's, and those of the rule
 * {@code limit} classes it falls in), so that a later refusal can give every earlier admission
 * back and the token estimates can be settled to the provider's count. A limit a fleet shares also
 * counted the request in its UTC minute: corrections go to that same minute. Reused per connection.
 */
public final class Admissions {
    private RateLimit[] limits = new RateLimit[4];
    private MinuteWindow[] minutes = new MinuteWindow[4];
    private long[] units = new long[4];
    private boolean[] tokens = new boolean[4];
    private int count;

    /**
     * Admits {@code units} by {@code limit} (for a fleet's limit, within this gateway's lease of
     * the UTC minute at {@code nowMillis}); 0 when admitted, else the nanoseconds to wait.
     */
    public long admit(RateLimit limit, long amount, boolean isTokens, long nowNanos, long nowMillis) {
        long waitNanos = limit.tryAcquire(amount, nowNanos, nowMillis);
        if (waitNanos > 0) {
            return waitNanos;
        }
        if (count == limits.length) {
            limits = java.util.Arrays.copyOf(limits, count * 2);
            minutes = java.util.Arrays.copyOf(minutes, count * 2);
            units = java.util.Arrays.copyOf(units, count * 2);
            tokens = java.util.Arrays.copyOf(tokens, count * 2);
        }
        limits[count] = limit;
        minutes[count] = limit.fleetMinute(nowMillis);
        units[count] = amount;
        tokens[count] = isTokens;
        count++;
        return 0;
    }

    /** Gives every admission back (the request was refused later, nothing was sent). */
    public void rollback() {
        for (int i = 0; i < count; i++) {
            limits[i].adjust(-units[i], minutes[i]);
        }
        clear();
    }

    /** Settles token admissions to {@code actualTokens} (the provider's count). */
    public void settleTokens(long actualTokens) {
        for (int i = 0; i < count; i++) {
            if (tokens[i]) {
                limits[i].adjust(actualTokens - units[i], minutes[i]);
            }
        }
        clear();
    }

    private void clear() {
        for (int i = 0; i < count; i++) {
            limits[i] = null;
            minutes[i] = null;
        }
        count = 0;
    }
}
