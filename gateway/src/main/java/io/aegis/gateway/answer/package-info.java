/**
 * Answers as the tenant's PII policy sees them: the text of each answer, streamed or whole, scanned
 * with a bounded hold-back, redacted or blocked by {@code pii_policy.response}, and placeholders of
 * the request turned back into the originals ({@code restore: true}); the provider's framing (SSE
 * events, streamed JSON arrays, whole JSON bodies) rewritten around the changed text only.
 */
package io.aegis.gateway.answer;
