/**
 * Errors the gateway itself produces, rendered in the provider's own shape for the path (the README's Wire behaviour),
 * both as HTTP responses and as in-stream error events once a stream has begun.
 */
package io.aegis.gateway.error;
