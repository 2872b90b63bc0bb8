/**
 * Parses a request body once, with jackson-core streaming, into {@link io.aegis.gateway.request.RequestFacts}:
 * the compact facts (model, stream flag, output limit, where the message text lies) later stages read.
 */
package io.aegis.gateway.request;
