package io.aegis.gateway.auth;

/** The result of authenticating one request; one instance per connection, refilled per request. */
public final class CallerIdentity {
    CallerKeySource source = CallerKeySource.NONE;
    Tenant tenant;

    void clear() {
        source = CallerKeySource.NONE;
        tenant = null;
    }

    public CallerKeySource source() {
        return source;
    }

    /** The tenant, or {@code null} when authentication failed. */
    public Tenant tenant() {
        return tenant;
    }
}
