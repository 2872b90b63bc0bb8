/**
 * Caller authentication (the README's Wire behaviour): finding the caller's key wherever its SDK put it, mapping a
 * virtual key's hash to a tenant, and choosing the provider key to send upstream.
 */
package io.aegis.gateway.auth;
