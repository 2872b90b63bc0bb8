package io.aegis.trace;

/**
 * One configuration change (control-api/README.md), written to the same queue as the request events: who
 * made it, when, what it changed, and the versions before and after. Like {@link TraceEvent}, a
 * reusable holder with bounded text; it never carries a secret (a new virtual key is recorded by
 * its id, never the key).
 */
public final class AuditEvent {
    /** Wall-clock time of the change, epoch nanoseconds. */
    public long timestampNanos;
    /** Who: the admin token's name or id, never the token. */
    public final StringBuilder actor = new StringBuilder();
    /** What kind of change: {@code rules.replace}, {@code tenant.key.create}, {@code sampling.update}, ... */
    public final StringBuilder action = new StringBuilder();
    /** What it applied to: a tenant id, a rule file name, a key id. */
    public final StringBuilder target = new StringBuilder();
    public long oldVersion;
    public long newVersion;
    /** A short human description (no secrets). */
    public final StringBuilder detail = new StringBuilder();

    public AuditEvent clear() {
        timestampNanos = 0;
        actor.setLength(0);
        action.setLength(0);
        target.setLength(0);
        oldVersion = 0;
        newVersion = 0;
        detail.setLength(0);
        return this;
    }
}
