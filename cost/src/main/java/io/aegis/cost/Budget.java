package io.aegis.cost;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A tenant's spending limits per UTC day and per UTC month. Before a request goes upstream its
 * worst-case cost is reserved in both windows; after the response the reservation is settled to
 * the actual cost. The windows roll over on their own (one new object per window, not per request);
 * a reservation settles in the windows it was taken from.
 */
public final class Budget {
    /** No limit. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    /** Shared by a fleet of gateways: this gateway commits only what the budget cluster leased it. */
    private volatile boolean fleet;
    /** Told (on the event loop that was refused) when a reservation found the leases short, or {@code null}. */
    private volatile Runnable shortOfLease;

    /** Changed in place by the control API, so reservations already taken settle where they were taken. */
    private volatile long dayLimitNanos;
    private volatile long monthLimitNanos;
    private final AtomicReference<SpendWindow> day;
    private final AtomicReference<SpendWindow> month;
    private final SpendLedger.Slot ledger;

    /**
     * @param settledToday      spend already settled in the current day (from a snapshot), or 0
     * @param settledThisMonth  the same for the current month
     */
    public Budget(long dayLimitNanos, long monthLimitNanos, long nowMillis, long settledToday, long settledThisMonth) {
        this(dayLimitNanos, monthLimitNanos, nowMillis, settledToday, settledThisMonth, null);
    }

    /** The same, mirroring every settlement into {@code ledger} (see {@link SpendLedger}). */
    public Budget(long dayLimitNanos, long monthLimitNanos, long nowMillis, long settledToday, long settledThisMonth,
            SpendLedger.Slot ledger) {
        this.dayLimitNanos = dayLimitNanos;
        this.monthLimitNanos = monthLimitNanos;
        this.ledger = ledger;
        this.day = new AtomicReference<>(dayWindow(nowMillis, settledToday, ledger));
        this.month = new AtomicReference<>(monthWindow(nowMillis, settledThisMonth, ledger));
    }

    /**
     * Reserves {@code nanos} in both windows into {@code hold}; returns 0 when admitted, or the
     * milliseconds until the window that refused it resets.
     */
    public long reserve(long nanos, long nowMillis, Reservation hold) {
        SpendWindow d = current(day, nowMillis, true);
        SpendWindow m = current(month, nowMillis, false);
        if (!d.tryCommit(nanos, Math.min(dayLimitNanos, d.leasedNanos()))) {
            if (fleet) {
                d.shortOf(nanos);
                tellShort();
            }
            return Math.max(1, d.endMillis - nowMillis);
        }
        if (!m.tryCommit(nanos, Math.min(monthLimitNanos, m.leasedNanos()))) {
            if (fleet) {
                m.shortOf(nanos);
                tellShort();
            }
            d.release(nanos);
            return Math.max(1, m.endMillis - nowMillis);
        }
        hold.hold(this, d, m, nanos);
        return 0;
    }

    /**
     * Makes this budget one a fleet of gateways shares: from now on this gateway commits in each
     * window only what the budget cluster leased it (nothing until the first lease arrives).
     * Returns true the first time, false when it already was.
     */
    public synchronized boolean shareWithFleet(long nowMillis) {
        if (fleet) {
            return false;
        }
        fleet = true;
        // Only limited windows are leased; an unlimited one stays unlimited.
        if (dayLimitNanos != UNLIMITED) {
            current(day, nowMillis, true).leased(0);
        }
        if (monthLimitNanos != UNLIMITED) {
            current(month, nowMillis, false).leased(0);
        }
        return true;
    }

    /** Who hears, at once, that a reservation found this gateway's leases short (the fleet's lease client). */
    public void onShortOfLease(Runnable listener) {
        this.shortOfLease = listener;
    }

    private void tellShort() {
        Runnable listener = shortOfLease;
        if (listener != null) {
            listener.run();
        }
    }

    /**
     * True when {@code nanos} was refused only for want of this gateway's leases: it fits the
     * budget's own limits as this gateway sees them, so a lease on its way may let it in.
     */
    public boolean waitsForLease(long nanos, long nowMillis) {
        if (!fleet) {
            return false;
        }
        SpendWindow d = current(day, nowMillis, true);
        SpendWindow m = current(month, nowMillis, false);
        return d.leaseExpected() && m.leaseExpected()
                && d.committedNanos() + nanos <= dayLimitNanos && m.committedNanos() + nanos <= monthLimitNanos
                && (d.committedNanos() + nanos > d.leasedNanos() || m.committedNanos() + nanos > m.leasedNanos());
    }

    /**
     * New limits for requests admitted from now on. Spend already committed stays; a lower limit
     * than the spend so far refuses every new request until the window resets.
     */
    public void setLimits(long dayLimitNanos, long monthLimitNanos) {
        this.dayLimitNanos = dayLimitNanos;
        this.monthLimitNanos = monthLimitNanos;
    }

    public long dayLimitNanos() {
        return dayLimitNanos;
    }

    public long monthLimitNanos() {
        return monthLimitNanos;
    }

    /** The current day's window (rolled over if the day has changed). */
    public SpendWindow today(long nowMillis) {
        return current(day, nowMillis, true);
    }

    public SpendWindow thisMonth(long nowMillis) {
        return current(month, nowMillis, false);
    }

    /** The fraction of the tighter window's limit not yet committed, 0 to 1 (1 with no limits). */
    public double remainingFraction(long nowMillis) {
        double dayLeft = fraction(current(day, nowMillis, true), dayLimitNanos);
        double monthLeft = fraction(current(month, nowMillis, false), monthLimitNanos);
        return Math.min(dayLeft, monthLeft);
    }

    private static double fraction(SpendWindow window, long limit) {
        if (limit == UNLIMITED || limit <= 0) {
            return limit <= 0 ? 0 : 1;
        }
        return Math.max(0, 1 - (double) window.committedNanos() / limit);
    }

    private SpendWindow current(AtomicReference<SpendWindow> ref, long nowMillis, boolean daily) {
        SpendWindow window = ref.get();
        while (nowMillis >= window.endMillis) {
            // A settlement of the old window racing this roll-over may land in the new window's
            // ledger record: the ledger can only over-count, never forget.
            SpendWindow next = daily ? dayWindow(nowMillis, 0, ledger) : monthWindow(nowMillis, 0, ledger);
            if (fleet && (daily ? dayLimitNanos : monthLimitNanos) != UNLIMITED) {
                next.leased(0); // a shared budget's new window has no room until the fleet grants some
            }
            if (ref.compareAndSet(window, next)) {
                return next;
            }
            window = ref.get();
        }
        return window;
    }

    /** The start of the UTC day holding {@code nowMillis}, in epoch milliseconds. */
    public static long dayStartMillis(long nowMillis) {
        return Instant.ofEpochMilli(nowMillis).atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC)
                .toInstant().toEpochMilli();
    }

    /** The start of the UTC month holding {@code nowMillis}, in epoch milliseconds. */
    public static long monthStartMillis(long nowMillis) {
        return Instant.ofEpochMilli(nowMillis).atZone(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1)
                .atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    private static SpendWindow dayWindow(long nowMillis, long settled, SpendLedger.Slot ledger) {
        LocalDate date = Instant.ofEpochMilli(nowMillis).atZone(ZoneOffset.UTC).toLocalDate();
        return new SpendWindow(date.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli(),
                date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli(), settled, ledger, true);
    }

    private static SpendWindow monthWindow(long nowMillis, long settled, SpendLedger.Slot ledger) {
        LocalDate first = Instant.ofEpochMilli(nowMillis).atZone(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1);
        return new SpendWindow(first.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli(),
                first.plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli(), settled, ledger, false);
    }
}
