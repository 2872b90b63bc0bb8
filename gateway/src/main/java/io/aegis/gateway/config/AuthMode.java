package io.aegis.gateway.config;

/** How callers authenticate (the README's Wire behaviour). */
public enum AuthMode {
    /** Callers present gateway-issued keys; the gateway sends its own provider key upstream. */
    VIRTUAL,
    /** Callers present provider keys, which go upstream unchanged; the tenant comes from the key's hash. */
    PASSTHROUGH
}
