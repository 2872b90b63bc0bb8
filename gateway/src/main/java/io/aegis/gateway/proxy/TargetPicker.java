package io.aegis.gateway.proxy;

import io.aegis.gateway.error.ErrorClass;
import io.aegis.gateway.error.GatewayError;
import io.aegis.gateway.resilience.CircuitBreaker;
import io.aegis.gateway.upstream.ProviderUpstream;
import io.aegis.gateway.upstream.UpstreamTarget;
import io.aegis.trace.Outcome;
import io.aegis.trace.TraceEvent;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Chooses where each attempt of one exchange goes: the first target, from a given one on in
 * failover order, whose circuit lets an attempt through and whose key pool has a key for it (in
 * virtual mode: the key with the fewest attempts in flight, never one that refused this request).
 * It holds the permits it took until the attempt starts with them, or gives them back; and when
 * no target will take an attempt, it says how long until a key is free, or refuses.
 */
final class TargetPicker {
    private final Exchange exchange;
    private final boolean virtualKeys;
    private ProviderUpstream provider;
    /** Set by {@link #pick} when a target was passed over because all its keys were resting. */
    private boolean keysResting;
    /**
     * Keys of target {@link #refusedKeysTarget} that refused this request (401 or 403), a bit per key
     * index: a retry takes another key of the pool, never one of these.
     */
    private long refusedKeys;
    private int refusedKeysTarget;
    private int pickedKey;
    private int pickedTargetGrant;
    private int pickedKeyGrant;
    private final int[] keyGrant = new int[1];

    TargetPicker(Exchange exchange, boolean virtualKeys) {
        this.exchange = exchange;
        this.virtualKeys = virtualKeys;
    }

    void begin(ProviderUpstream provider) {
        this.provider = provider;
        keysResting = false;
        refusedKeys = 0;
        refusedKeysTarget = -1;
    }

    /**
     * The first target from {@code from} on that takes an attempt now, with its permits held for
     * {@link #key()}, {@link #targetGrant()} and {@link #keyGrant()}; -1 when none will. Notes on the
     * exchange what it met: an open circuit, a half-open probe.
     */
    int pick(long now, int from) {
        List<UpstreamTarget> targets = provider.targets();
        for (int t = from; t < targets.size(); t++) {
            UpstreamTarget candidate = targets.get(t);
            int grant = candidate.breaker().tryAcquire(now);
            if (grant == CircuitBreaker.REFUSED) {
                exchange.attempts.metCircuit(TraceEvent.CIRCUIT_OPEN);
                continue;
            }
            int key = -1;
            if (virtualKeys && candidate.keys().size() == 0) {
                // A failover target whose own keys are not set: not a target for this gateway.
                candidate.breaker().abandoned(grant == CircuitBreaker.PROBE);
                continue;
            }
            if (virtualKeys) {
                key = candidate.keys().acquire(now, keyGrant, t == refusedKeysTarget ? refusedKeys : 0);
                if (key < 0) {
                    candidate.breaker().abandoned(grant == CircuitBreaker.PROBE);
                    keysResting = true;
                    continue;
                }
            }
            if (grant == CircuitBreaker.PROBE) {
                exchange.attempts.metCircuit(TraceEvent.CIRCUIT_HALF_OPEN);
            }
            pickedTargetGrant = grant;
            pickedKey = key;
            pickedKeyGrant = key < 0 ? CircuitBreaker.GRANTED : keyGrant[0];
            return t;
        }
        return -1;
    }

    /** The picked key's pool index, or -1 (passthrough: the caller's key). */
    int key() {
        return pickedKey;
    }

    int targetGrant() {
        return pickedTargetGrant;
    }

    int keyGrant() {
        return pickedKeyGrant;
    }

    /** Gives back the permits of the last pick, on target {@code t}: the attempt will not be made. */
    void giveBack(int t) {
        UpstreamTarget skipped = provider.targets().get(t);
        skipped.breaker().abandoned(pickedTargetGrant == CircuitBreaker.PROBE);
        if (pickedKey >= 0) {
            skipped.keys().breaker(pickedKey).abandoned(pickedKeyGrant == CircuitBreaker.PROBE);
            skipped.keys().release(pickedKey);
        }
    }

    /**
     * When keys were all that stood in the way of a pick from target {@code from}: how long until one
     * is free (at least a millisecond, so that a key a probe raced away is not spun on), or -1 when
     * nothing but keys stood in the way, or the wait is over {@code maxWaitNanos} or past {@code deadlineNanos}.
     * A wait it returns is the retry's: the note of resting keys is spent.
     */
    long keyWaitNanos(long now, int from, long maxWaitNanos, long deadlineNanos) {
        if (!keysResting) {
            return -1;
        }
        long waitNs = Long.MAX_VALUE;
        List<UpstreamTarget> targets = provider.targets();
        for (int i = from; i < targets.size(); i++) {
            if (targets.get(i).breaker().wouldAllow(now)) {
                waitNs = Math.min(waitNs, targets.get(i).keys().nanosUntilAvailable(now));
            }
        }
        waitNs = Math.max(waitNs, 1_000_000L);
        if (waitNs > maxWaitNanos || now + waitNs - deadlineNanos >= 0) {
            return -1;
        }
        keysResting = false;
        return waitNs;
    }

    /** Whether the last pick found keys resting (rather than circuits open) in its way. */
    boolean keysResting() {
        return keysResting;
    }

    /** No target will take an attempt: 429 with the wait while keys rest after a 429, else 503 (circuits open). */
    Refusal unavailable(long now) {
        String name = provider.provider().configName();
        if (keysResting) {
            long waitNs = Long.MAX_VALUE;
            for (UpstreamTarget t : provider.targets()) {
                waitNs = Math.min(waitNs, t.keys().nanosUntilAvailable(now));
            }
            return exchange.refuse(GatewayError.RATE_LIMITED, "every " + name + " key is rate limited upstream; retry later",
                    ErrorClass.UPSTREAM_KEYS_COOLING, Outcome.UPSTREAM_FAILED)
                    .retryAfterSeconds(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNs + 999_999_999L)));
        }
        return exchange.refuse(GatewayError.UPSTREAM_UNAVAILABLE, "the " + name
                + " upstream is failing and its circuit is open; retry later", ErrorClass.UPSTREAM_CIRCUIT_OPEN,
                Outcome.UPSTREAM_FAILED);
    }

    /** The gateway's key {@code keyIndex} of {@code target} refused this request (401 or 403): never again. */
    void keyRefused(UpstreamTarget target, int keyIndex) {
        if (target.index() != refusedKeysTarget) {
            refusedKeysTarget = target.index();
            refusedKeys = 0;
        }
        refusedKeys |= 1L << keyIndex;
    }

    /**
     * Whether the gateway's key {@code keyIndex} of {@code target} was refused ({@code status} 401 or
     * 403) while the pool has another key this request has not seen refused: the refusal is the key's,
     * not the caller's, so it is retried on that key rather than passed on.
     */
    boolean anotherKey(UpstreamTarget target, int keyIndex, int status, long now) {
        if ((status != 401 && status != 403) || keyIndex < 0) {
            return false;
        }
        long seen = (target.index() == refusedKeysTarget ? refusedKeys : 0) | (1L << keyIndex);
        return target.keys().usableOutside(seen, now);
    }
}
