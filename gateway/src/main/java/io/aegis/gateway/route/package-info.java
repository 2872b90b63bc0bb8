/**
 * Maps request paths to a provider and an operation (SPEC §3): root paths for both providers, the
 * {@code /anthropic} and {@code /gemini} prefixes, and Gemini under {@code /v1} and {@code /v1beta}.
 */
package io.aegis.gateway.route;
