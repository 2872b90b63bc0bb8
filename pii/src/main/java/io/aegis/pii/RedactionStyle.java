package io.aegis.pii;

import java.util.Locale;

/** How a finding is rewritten when a policy says redact (pii/README.md). */
public enum RedactionStyle {
    /** {@code [EMAIL_1]}: the same value gets the same placeholder within one request. */
    PLACEHOLDER,
    /** All but the last four characters replaced. */
    MASK,
    /** A keyed hash, stable per tenant, so equal values stay comparable without being readable. */
    HASH;

    /** The style named in config ({@code placeholder}, {@code mask}, {@code hash}), or {@code null}. */
    public static RedactionStyle byName(String name) {
        for (RedactionStyle style : values()) {
            if (style.name().toLowerCase(Locale.ROOT).equals(name)) {
                return style;
            }
        }
        return null;
    }
}
