package io.aegis.gateway.auth;

/**
 * A caller identity after authentication.
 *
 * @param id    tenant id
 * @param keyId short, non-reversible id of the caller's key (first bytes of its SHA-256)
 */
public record Tenant(String id, String keyId) {
}
