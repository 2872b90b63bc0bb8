package io.aegis.gateway.proxy;

import io.aegis.cost.RateLimit;
import io.aegis.gateway.cost.TenantCost;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * Tells the caller what is left of its tenant's per-minute limits, in the shape of Anthropic's
 * {@code anthropic-ratelimit-*} headers but under Aegis's own prefix, so the provider's headers
 * (which describe the gateway's provider key, not the caller) pass through untouched:
 * {@code x-aegis-ratelimit-requests-limit}, {@code -remaining}, {@code -reset} (seconds until the
 * whole allowance is back), and the same for {@code tokens}.
 */
final class RateLimitHeaders {
    private static final AsciiString REQUESTS_LIMIT = AsciiString.cached("x-aegis-ratelimit-requests-limit");
    private static final AsciiString REQUESTS_REMAINING = AsciiString.cached("x-aegis-ratelimit-requests-remaining");
    private static final AsciiString REQUESTS_RESET = AsciiString.cached("x-aegis-ratelimit-requests-reset");
    private static final AsciiString TOKENS_LIMIT = AsciiString.cached("x-aegis-ratelimit-tokens-limit");
    private static final AsciiString TOKENS_REMAINING = AsciiString.cached("x-aegis-ratelimit-tokens-remaining");
    private static final AsciiString TOKENS_RESET = AsciiString.cached("x-aegis-ratelimit-tokens-reset");
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private RateLimitHeaders() {
    }

    static void add(HttpHeaders out, TenantCost tenant, long nowNanos) {
        if (tenant == null) {
            return;
        }
        add(out, tenant.requestsPerMinute(), nowNanos, REQUESTS_LIMIT, REQUESTS_REMAINING, REQUESTS_RESET);
        add(out, tenant.tokensPerMinute(), nowNanos, TOKENS_LIMIT, TOKENS_REMAINING, TOKENS_RESET);
    }

    private static void add(HttpHeaders out, RateLimit limit, long nowNanos, AsciiString limitName,
                            AsciiString remainingName, AsciiString resetName) {
        if (limit == null) {
            return;
        }
        number(out, limitName, limit.perMinute());
        number(out, remainingName, limit.remaining(nowNanos));
        number(out, resetName, (limit.resetNanos(nowNanos) + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND);
    }

    /** As an int when it fits (no boxing on the way to the header's text). */
    private static void number(HttpHeaders out, AsciiString name, long value) {
        if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
            out.setInt(name, (int) value);
        } else {
            out.set(name, Long.toString(value));
        }
    }
}
