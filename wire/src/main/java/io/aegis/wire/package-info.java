/**
 * What the gateway and the mock upstream agree on about the wire: which provider and operation a
 * request path names (root paths for both providers, the {@code /anthropic} and {@code /gemini}
 * prefixes, Gemini under {@code /v1} and {@code /v1beta}), and how caller keys are digested into
 * the key ids that traces and echoes show.
 */
package io.aegis.wire;
