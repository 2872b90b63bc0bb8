package io.aegis.gateway.pii;

import java.util.Locale;

/** What a tenant's policy does with a PII type found in a request (until rule files decide). */
public enum PiiAction {
    /** Record the finding (type and count) and forward the request unchanged. */
    TAG,
    /** Rewrite the value in the forwarded body with the type's redaction style. */
    REDACT,
    /** Refuse the request with the provider's 403. */
    BLOCK;

    /** The action named in config, or {@code null}. */
    public static PiiAction byName(String name) {
        for (PiiAction action : values()) {
            if (action.name().toLowerCase(Locale.ROOT).equals(name)) {
                return action;
            }
        }
        return null;
    }
}
