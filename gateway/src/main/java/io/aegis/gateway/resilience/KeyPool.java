package io.aegis.gateway.resilience;

import io.aegis.gateway.config.CircuitSettings;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Several provider keys for one upstream target. An attempt takes the key with the fewest attempts in
 * flight among those neither cooling down (after a 429, for as long as the upstream asked) nor behind
 * an open circuit; ties go round robin. Keys are only ever named by their id (a digest prefix), never
 * shown.
 */
public final class KeyPool {
    /** Keys beyond this many are not used (a bit set marks tried keys). */
    public static final int MAX_KEYS = 64;
    private final String[] keys;
    private final String[] ids;
    private final CircuitBreaker[] breakers;
    private final AtomicIntegerArray inFlight;
    private final AtomicLongArray coolUntilNanos;
    private final AtomicInteger rotation = new AtomicInteger();

    /**
     * @param keys     the keys, in config order
     * @param ids      an id for each key, safe to log
     * @param circuit  settings of each key's breaker
     */
    public KeyPool(List<String> keys, List<String> ids, CircuitSettings circuit) {
        int n = Math.min(MAX_KEYS, keys.size());
        this.keys = keys.subList(0, n).toArray(new String[0]);
        this.ids = ids.subList(0, n).toArray(new String[0]);
        this.breakers = new CircuitBreaker[n];
        for (int i = 0; i < n; i++) {
            breakers[i] = new CircuitBreaker(circuit);
        }
        this.inFlight = new AtomicIntegerArray(n);
        this.coolUntilNanos = new AtomicLongArray(n);
    }

    public int size() {
        return keys.length;
    }

    /**
     * Takes a key for an attempt starting now: its index, with its in-flight count raised; -1 when
     * every key is cooling down, behind an open circuit or in {@code avoid} (a bit per key index: keys
     * this request already saw refused). {@code grant} receives the key breaker's
     * {@link CircuitBreaker#GRANTED} or {@link CircuitBreaker#PROBE}.
     */
    public int acquire(long nowNanos, int[] grant, long avoid) {
        int n = keys.length;
        if (n == 0) {
            return -1;
        }
        long tried = avoid;
        int start = n == 1 ? 0 : Math.floorMod(rotation.getAndIncrement(), n);
        for (int round = 0; round < n; round++) {
            int best = -1;
            int bestLoad = Integer.MAX_VALUE;
            for (int j = 0; j < n; j++) {
                int i = (start + j) % n;
                if ((tried & (1L << i)) != 0 || nowNanos - coolUntilNanos.get(i) < 0
                        || !breakers[i].wouldAllow(nowNanos)) {
                    continue;
                }
                int load = inFlight.get(i);
                if (load < bestLoad) {
                    best = i;
                    bestLoad = load;
                }
            }
            if (best < 0) {
                return -1;
            }
            int granted = breakers[best].tryAcquire(nowNanos);
            if (granted != CircuitBreaker.REFUSED) {
                inFlight.incrementAndGet(best);
                grant[0] = granted;
                return best;
            }
            tried |= 1L << best;
        }
        return -1;
    }

    /** Whether a key outside {@code avoid} could take an attempt now (no cooldown, circuit not open). */
    public boolean usableOutside(long avoid, long nowNanos) {
        for (int i = 0; i < keys.length; i++) {
            if ((avoid & (1L << i)) == 0 && nowNanos - coolUntilNanos.get(i) >= 0 && breakers[i].wouldAllow(nowNanos)) {
                return true;
            }
        }
        return false;
    }

    /** Ends an attempt on key {@code i}. */
    public void release(int i) {
        inFlight.decrementAndGet(i);
    }

    /** Rests key {@code i} until {@code untilNanos} (the later of this and any cooldown already set). */
    public void coolDown(int i, long untilNanos) {
        while (true) {
            long current = coolUntilNanos.get(i);
            if (current - untilNanos >= 0 || coolUntilNanos.compareAndSet(i, current, untilNanos)) {
                return;
            }
        }
    }

    /** Nanoseconds until some key could be used again (0 when one can be now). */
    /** How long key {@code i} still rests after a 429 (0: not resting). */
    public long restingNanos(int i, long nowNanos) {
        return Math.max(0, coolUntilNanos.get(i) - nowNanos);
    }

    public long nanosUntilAvailable(long nowNanos) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < keys.length; i++) {
            long wait = Math.max(Math.max(0, coolUntilNanos.get(i) - nowNanos), breakers[i].nanosUntilProbe(nowNanos));
            best = Math.min(best, wait);
        }
        return best;
    }

    public String key(int i) {
        return keys[i];
    }

    public String id(int i) {
        return ids[i];
    }

    public CircuitBreaker breaker(int i) {
        return breakers[i];
    }

    public int inFlight(int i) {
        return inFlight.get(i);
    }
}
