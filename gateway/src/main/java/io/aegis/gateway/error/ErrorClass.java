package io.aegis.gateway.error;

import java.util.Locale;

/**
 * Why an exchange ended in an error, as its trace event's {@code error} field, the live metrics and
 * the logs name it ({@link #wireName()}: the constant in lower case). A request the upstream answered
 * with an error status of its own, passed through as it came, has none.
 */
public enum ErrorClass {
    // Refused while the request was read.
    BAD_REQUEST,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    UNAUTHENTICATED,
    REQUEST_TIMEOUT,
    TOO_LARGE,
    URI_TOO_LONG,
    HEADERS_TOO_LARGE,
    PROVIDER_NOT_CONFIGURED,
    PROVIDER_KEY_MISSING,
    // Refused by policy or cost.
    RULE_DENIED,
    PII_BLOCKED,
    /** The answer held a type the tenant blocks in answers: cut off before the value. */
    PII_BLOCKED_RESPONSE,
    BUDGET_EXHAUSTED,
    RATE_LIMITED,
    // No target would take an attempt.
    UPSTREAM_KEYS_COOLING,
    UPSTREAM_CIRCUIT_OPEN,
    // An attempt's connection failed.
    UPSTREAM_CONNECT_TIMEOUT,
    UPSTREAM_REFUSED,
    UPSTREAM_PROTOCOL,
    UPSTREAM_TLS,
    UPSTREAM_RESET,
    // A time limit ran out.
    UPSTREAM_TIMEOUT_FIRST_BYTE,
    UPSTREAM_TIMEOUT_IDLE,
    UPSTREAM_TIMEOUT_TOTAL,
    // Retries ended with the upstream's last error passed on.
    UPSTREAM_RETRY_AFTER_TOO_LONG,
    UPSTREAM_RETRIES_EXHAUSTED,
    UPSTREAM_RETRY_PAST_DEADLINE,
    UPSTREAM_RETRY_BUDGET_EXHAUSTED,
    // The caller left.
    CLIENT_CLOSED;

    private final String wireName = name().toLowerCase(Locale.ROOT);
    private final String attemptLabel = wireName.startsWith("upstream_") ? wireName.substring("upstream_".length())
            : wireName;

    /** The name in trace events and metrics: {@code upstream_timeout_first_byte}. */
    public String wireName() {
        return wireName;
    }

    /** A time limit's name in an attempt log entry ({@code timeout_idle}); connection failures log their wire name. */
    public String attemptLabel() {
        return attemptLabel;
    }

    /** Whether a connection that failed this way may be tried again: not for TLS or protocol errors. */
    public boolean retryableConnectionFailure() {
        return this != UPSTREAM_TLS && this != UPSTREAM_PROTOCOL;
    }
}
