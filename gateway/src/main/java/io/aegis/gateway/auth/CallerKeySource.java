package io.aegis.gateway.auth;

/** Where the caller's key arrived (the README's Wire behaviour); the gateway strips it from there before forwarding. */
public enum CallerKeySource {
    NONE,
    X_API_KEY,
    AUTHORIZATION_BEARER,
    X_GOOG_API_KEY,
    QUERY_KEY
}
