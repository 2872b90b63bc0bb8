/**
 * Reads token usage from responses on the side, while the bytes stream to the caller unchanged:
 * Anthropic input and cache counts from {@code message_start}, output from the last
 * {@code message_delta}; Gemini the last chunk's {@code usageMetadata}, never a sum (wire/README.md).
 */
package io.aegis.gateway.usage;
