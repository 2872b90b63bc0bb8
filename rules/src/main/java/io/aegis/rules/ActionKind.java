package io.aegis.rules;

/** What a rule does when its condition holds (rules/README.md). */
public enum ActionKind {
    /** Ends evaluation: the request goes on. */
    ALLOW,
    /** Ends evaluation: the request is refused with the rule's status and message. */
    DENY,
    /** Adds PII types to redact. */
    REDACT,
    /** Sends the request to another model (the first route in file order wins). */
    ROUTE,
    /** Adds tags to the trace event. */
    TAG,
    /** Asks the trace stage to keep the event at a rate. */
    SAMPLE,
    /** Names a rate-limit class for the cost stage. */
    LIMIT;

    public boolean terminal() {
        return this == ALLOW || this == DENY;
    }

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
