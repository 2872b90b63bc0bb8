package io.aegis.cost.fleet;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state a cluster of budget nodes replicates: per budget scope (a tenant's day or month, a model
 * family's, a key's) its limit, the spend gateways reported, and the leases they hold. A lease is a
 * slice of the remaining budget a gateway may reserve against locally, with no network hop; it
 * reports what it settled and hands back what it will not use.
 *
 * <p>The invariant: {@code reported + Σ outstanding leases ≤ limit}. Grants keep it; a report keeps
 * it as long as the gateway reports before its lease expires, which a live gateway does (it renews
 * and reports well inside the lease's lifetime, and stops reserving from a lease shortly before its
 * expiry). A gateway never reserves beyond its lease, so the fleet's actual spend never passes the
 * limit while every gateway is alive (tested over random fleets). A lease whose holder stops renewing it is still counted until its expiry
 * (its holder may be spending it); after that it returns, and what the holder settled since its last
 * report is the only spend the ledger can miss: the bound is one report interval of one dead
 * gateway's spend, plus its reservations in flight, and the holder's own durable ledger reports it
 * when it comes back.
 *
 * <p>The ledger does not mind the unit: nano-dollars for budgets, requests or tokens for a per-minute
 * limit's UTC minute.
 *
 * <p>Deterministic (time is an argument, never read), single-threaded: the cluster applies
 * operations in log order on one thread, and replays them the same way.
 */
public final class LeaseLedger {
    /** One scope's account. */
    static final class Scope {
        long limitNanos;
        /** When the scope's window ends (a UTC day, month or minute); {@code Long.MAX_VALUE} for none. */
        long untilMillis = Long.MAX_VALUE;
        long reportedNanos;
        final Map<String, Lease> leases = new TreeMap<>();
        /** Per gateway: the running totals of its last report, {settled, returned}, and of its grants. */
        final Map<String, long[]> reports = new TreeMap<>();

        long outstanding() {
            long sum = 0;
            for (Lease lease : leases.values()) {
                sum += lease.nanos;
            }
            return sum;
        }
    }

    /** A gateway's slice of one scope. */
    static final class Lease {
        long nanos;
        long expiresAtMillis;
    }

    /**
     * How long a scope is kept after its window ended: reports that arrive late change nothing that
     * matters then, and per-minute scopes would otherwise pile up (one per limit per minute).
     */
    public static final long RETAIN_MILLIS = 10 * 60_000;

    private final Map<String, Scope> scopes = new TreeMap<>();

    /** Sets a scope's limit (a new scope starts with nothing reported); a lower limit grants nothing more. */
    public void limit(String scope, long limitNanos) {
        limit(scope, limitNanos, Long.MAX_VALUE, Long.MIN_VALUE);
    }

    /**
     * The same for a scope whose window ends at {@code untilMillis}; scopes whose window ended more
     * than {@link #RETAIN_MILLIS} before {@code nowMillis} are dropped.
     */
    public void limit(String scope, long limitNanos, long untilMillis, long nowMillis) {
        Scope s = scopes.computeIfAbsent(scope, n -> new Scope());
        s.limitNanos = limitNanos;
        s.untilMillis = untilMillis;
        scopes.values().removeIf(old -> old.untilMillis != Long.MAX_VALUE
                && old.untilMillis <= nowMillis - RETAIN_MILLIS);
    }

    /** How many scopes the ledger holds. */
    public int scopeCount() {
        return scopes.size();
    }

    /**
     * A gateway asks for {@code wantNanos} more room in {@code scope}; it gets what the budget has
     * left after every outstanding lease, at most what it asked for, valid until {@code now + ttl}
     * (a renewal also extends what it already holds; asking for nothing only renews). Returns the
     * room granted now.
     */
    public long grant(String scope, String gatewayId, long wantNanos, long nowMillis, long ttlMillis) {
        return grant(scope, gatewayId, wantNanos, -1, nowMillis, ttlMillis);
    }

    /**
     * The same from a gateway that also says how much it was granted in {@code scope} in all, as it
     * knows it ({@code knownGrantedNanos}; -1 when not given). A grant whose answer never reached the
     * gateway (lost around a change of leader, or come after the gateway stopped waiting for it) is
     * room the gateway will never use: it is taken back here at once, rather than held, renewal after
     * renewal, until the window ends. A gateway sends this only while it waits for no other answer,
     * so nothing it will still count is taken back.
     */
    public long grant(String scope, String gatewayId, long wantNanos, long knownGrantedNanos, long nowMillis,
                      long ttlMillis) {
        Scope s = scopes.get(scope);
        if (s == null) {
            return 0;
        }
        expire(s, nowMillis);
        long[] totals = s.reports.computeIfAbsent(gatewayId, g -> new long[3]);
        if (knownGrantedNanos >= 0 && totals[2] > knownGrantedNanos) {
            Lease held = s.leases.get(gatewayId);
            if (held != null) {
                held.nanos = Math.max(0, held.nanos - (totals[2] - knownGrantedNanos));
                if (held.nanos == 0) {
                    s.leases.remove(gatewayId);
                }
            }
            totals[2] = knownGrantedNanos;
        }
        if (wantNanos <= 0) {
            // A renewal: what the gateway holds stays valid for another lifetime.
            Lease held = s.leases.get(gatewayId);
            if (held != null) {
                held.expiresAtMillis = nowMillis + ttlMillis;
            }
            return 0;
        }
        long available = Math.max(0, s.limitNanos - s.reportedNanos - s.outstanding());
        long granted = Math.min(wantNanos, available);
        totals[2] += granted;
        Lease lease = s.leases.computeIfAbsent(gatewayId, g -> new Lease());
        lease.nanos += granted;
        lease.expiresAtMillis = nowMillis + ttlMillis;
        return granted;
    }

    /**
     * A gateway reports everything it has settled in {@code scope} ({@code settledTotalNanos}) and
     * everything it has handed back ({@code returnedTotalNanos}), as running totals: a report that is
     * lost, repeated or overtaken changes nothing, so a gateway simply sends its totals again. What
     * is new since the last report comes out of its lease. Spend beyond its lease (a lease that
     * expired while the gateway was cut off) is recorded all the same: the ledger never forgets
     * spend, it only stops granting.
     */
    public void report(String scope, String gatewayId, long settledTotalNanos, long returnedTotalNanos, long nowMillis) {
        Scope s = scopes.get(scope);
        if (s == null) {
            return;
        }
        long[] totals = s.reports.computeIfAbsent(gatewayId, g -> new long[3]);
        long settled = Math.max(0, settledTotalNanos - totals[0]);
        long returned = Math.max(0, returnedTotalNanos - totals[1]);
        totals[0] = Math.max(totals[0], settledTotalNanos);
        totals[1] = Math.max(totals[1], returnedTotalNanos);
        s.reportedNanos += settled;
        Lease lease = s.leases.get(gatewayId);
        if (lease != null) {
            lease.nanos = Math.max(0, lease.nanos - settled - returned);
            if (lease.nanos == 0) {
                s.leases.remove(gatewayId);
            }
        }
        expire(s, nowMillis);
    }

    /** Returns every lease of {@code scope} past its expiry. */
    private static void expire(Scope s, long nowMillis) {
        s.leases.values().removeIf(lease -> lease.expiresAtMillis <= nowMillis);
    }

    /** Expires leases in every scope (the cluster's timer). */
    public void expireAll(long nowMillis) {
        for (Scope s : scopes.values()) {
            expire(s, nowMillis);
        }
    }

    public long limitNanos(String scope) {
        Scope s = scopes.get(scope);
        return s == null ? 0 : s.limitNanos;
    }

    /** Spend gateways reported in {@code scope}. */
    public long reportedNanos(String scope) {
        Scope s = scopes.get(scope);
        return s == null ? 0 : s.reportedNanos;
    }

    /** Room granted in {@code scope} and not yet reported or handed back. */
    public long outstandingNanos(String scope) {
        Scope s = scopes.get(scope);
        return s == null ? 0 : s.outstanding();
    }

    /** {@code gatewayId}'s lease in {@code scope}. */
    public long leaseNanos(String scope, String gatewayId) {
        Scope s = scopes.get(scope);
        Lease lease = s == null ? null : s.leases.get(gatewayId);
        return lease == null ? 0 : lease.nanos;
    }

    /** Writes the whole ledger (a cluster snapshot), in a stable order. */
    public void write(DataOutputStream out) throws IOException {
        out.writeInt(2); // format version
        out.writeInt(scopes.size());
        for (Map.Entry<String, Scope> entry : scopes.entrySet()) {
            Scope s = entry.getValue();
            out.writeUTF(entry.getKey());
            out.writeLong(s.limitNanos);
            out.writeLong(s.untilMillis);
            out.writeLong(s.reportedNanos);
            out.writeInt(s.leases.size());
            for (Map.Entry<String, Lease> lease : s.leases.entrySet()) {
                out.writeUTF(lease.getKey());
                out.writeLong(lease.getValue().nanos);
                out.writeLong(lease.getValue().expiresAtMillis);
            }
            out.writeInt(s.reports.size());
            for (Map.Entry<String, long[]> report : s.reports.entrySet()) {
                out.writeUTF(report.getKey());
                out.writeLong(report.getValue()[0]);
                out.writeLong(report.getValue()[1]);
                out.writeLong(report.getValue()[2]);
            }
        }
    }

    /** Reads a ledger {@link #write} wrote. */
    public static LeaseLedger read(DataInputStream in) throws IOException {
        int version = in.readInt();
        if (version != 1 && version != 2) {
            throw new IOException("unknown lease ledger snapshot version " + version);
        }
        LeaseLedger ledger = new LeaseLedger();
        for (int i = in.readInt(); i > 0; i--) {
            Scope s = new Scope();
            String name = in.readUTF();
            s.limitNanos = in.readLong();
            s.untilMillis = version >= 2 ? in.readLong() : Long.MAX_VALUE;
            s.reportedNanos = in.readLong();
            for (int l = in.readInt(); l > 0; l--) {
                Lease lease = new Lease();
                String gateway = in.readUTF();
                lease.nanos = in.readLong();
                lease.expiresAtMillis = in.readLong();
                s.leases.put(gateway, lease);
            }
            for (int r = in.readInt(); r > 0; r--) {
                s.reports.put(in.readUTF(), new long[] {in.readLong(), in.readLong(), version >= 2 ? in.readLong() : 0});
            }
            ledger.scopes.put(name, s);
        }
        return ledger;
    }
}
