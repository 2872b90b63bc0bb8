package io.aegis.trace;

/**
 * How a request ended: the gateway's exchanges and their trace events use this one enum. Its order
 * is part of the event layout (written as the ordinal): add new outcomes at the end.
 */
public enum Outcome {
    /** The upstream's answer reached the caller whole (whatever its status). */
    COMPLETED,
    /** The gateway refused the request itself: bad input, a rule, PII, a budget or limit. */
    REJECTED,
    /** No usable answer came from upstream, or it broke off after the head went out. */
    UPSTREAM_FAILED,
    /** The caller left before the answer was complete. */
    CLIENT_CLOSED
}
