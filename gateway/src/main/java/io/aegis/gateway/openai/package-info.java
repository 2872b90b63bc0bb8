/**
 * The OpenAI-compatible endpoint: a Chat Completions request translated into the native request of
 * the provider its model names (so every stage sees a native request), and the native answer
 * translated back into OpenAI's shape, streamed chunk by chunk or whole.
 */
package io.aegis.gateway.openai;
