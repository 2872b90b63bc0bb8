/**
 * The upstream side of the proxy: provider endpoints, TLS, keep-alive connection pools (one per
 * event loop, so no lock is shared between loops) and the handler that relays responses.
 */
package io.aegis.gateway.upstream;
