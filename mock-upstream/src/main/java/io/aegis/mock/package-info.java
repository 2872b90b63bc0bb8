/**
 * {@code aegis mock-upstream}: a local stand-in for Anthropic and Gemini that speaks their wire
 * formats (wire/README.md), streaming included, with deterministic usage, configurable latency and
 * fault injection per request. Product code: the demo config and the benchmarks run on it.
 */
package io.aegis.mock;
