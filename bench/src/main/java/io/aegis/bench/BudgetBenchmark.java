package io.aegis.bench;

import io.aegis.cost.Budget;
import io.aegis.cost.RateLimit;
import io.aegis.cost.Reservation;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A request's money path: reserve the worst case in a tenant's day and month windows, then settle
 * the actual cost; with the per-minute request and token limits beside it. Single-threaded in
 * sample mode for the percentiles; two threads on one tenant for contention. Baseline: the same
 * number of bare {@code AtomicLong} adds, no checks.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class BudgetBenchmark {
    /** One tenant's controls, shared by every thread of a run. */
    @State(Scope.Benchmark)
    public static class Tenant {
        // Limits no run can reach: the admission path runs in full every time.
        final Budget budget = new Budget(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4, System.currentTimeMillis(), 0, 0);
        final RateLimit requests = new RateLimit(Long.MAX_VALUE / 1_000_000_000_000L, System.nanoTime());
        final AtomicLong[] bare = {new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong()};
    }

    /**
     * The same tenant's budget shared with a fleet: the windows commit within what the budget
     * cluster leased this gateway (here a lease no run can reach), so the request path is the fleet's.
     */
    @State(Scope.Benchmark)
    public static class FleetTenant {
        final Budget budget = new Budget(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4, System.currentTimeMillis(), 0, 0);

        @Setup
        public void share() {
            long now = System.currentTimeMillis();
            budget.shareWithFleet(now);
            budget.today(now).leased(Long.MAX_VALUE / 8);
            budget.thisMonth(now).leased(Long.MAX_VALUE / 8);
        }
    }

    /** A per-minute limit of this gateway's own, and the same limit shared with a fleet. */
    @State(Scope.Benchmark)
    public static class Limits {
        final RateLimit own = new RateLimit(1_000_000, System.nanoTime());
        final RateLimit shared = new RateLimit(1_000_000, System.nanoTime());

        @Setup
        public void share() {
            shared.shareWithFleet();
        }
    }

    /** A connection's reusable hold. */
    @State(Scope.Thread)
    public static class Hold {
        final Reservation reservation = new Reservation();
    }

    @Benchmark
    public long reserveAndSettle(Tenant tenant, Hold hold) {
        long wait = tenant.budget.reserve(2_700_000, System.currentTimeMillis(), hold.reservation);
        hold.reservation.settle(330_000);
        return wait;
    }

    /** The same reservation and settlement on a budget shared with the fleet (against {@link #reserveAndSettle}). */
    @Benchmark
    public long fleetReserveAndSettle(FleetTenant tenant, Hold hold) {
        long wait = tenant.budget.reserve(2_700_000, System.currentTimeMillis(), hold.reservation);
        hold.reservation.settle(330_000);
        return wait;
    }

    @Benchmark
    public long limitReserveAndSettle(Tenant tenant, Hold hold) {
        long wait = tenant.requests.tryAcquire(1, System.nanoTime());
        wait |= tenant.budget.reserve(2_700_000, System.currentTimeMillis(), hold.reservation);
        hold.reservation.settle(330_000);
        return wait;
    }

    /**
     * A per-minute admission and its correction (a token estimate settled), on a limit of this
     * gateway's own: the baseline for {@link #fleetLimitAdmitAndCorrect}.
     */
    @Benchmark
    public long limitAdmitAndCorrect(Limits limits) {
        long wait = limits.own.tryAcquire(1, System.nanoTime(), System.currentTimeMillis());
        limits.own.adjust(-1, null);
        return wait;
    }

    /**
     * The same on a limit a fleet shares: the cell rate, then this gateway's lease of the UTC
     * minute (here leased beyond reach; a new minute is leased on its first refusal).
     */
    @Benchmark
    public long fleetLimitAdmitAndCorrect(Limits limits) {
        long nowMillis = System.currentTimeMillis();
        long wait = limits.shared.tryAcquire(1, System.nanoTime(), nowMillis);
        io.aegis.cost.MinuteWindow minute = limits.shared.fleetMinute(nowMillis);
        if (wait > 0) {
            minute.leased(Long.MAX_VALUE / 2);
            return wait;
        }
        limits.shared.adjust(-1, minute);
        return wait;
    }

    /** Baseline: four unchecked atomic adds (day and month, reserve and settle). */
    @Benchmark
    public long bareAtomicAdds(Tenant tenant) {
        tenant.bare[0].addAndGet(2_700_000);
        tenant.bare[1].addAndGet(2_700_000);
        tenant.bare[0].addAndGet(-2_370_000);
        return tenant.bare[1].addAndGet(-2_370_000);
    }

    @Benchmark
    @Group("contended")
    @GroupThreads(2)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long contendedReserveAndSettle(Tenant tenant, Hold hold) {
        return reserveAndSettle(tenant, hold);
    }

    @Benchmark
    @Group("contendedBaseline")
    @GroupThreads(2)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long contendedBareAtomicAdds(Tenant tenant) {
        return bareAtomicAdds(tenant);
    }
}
