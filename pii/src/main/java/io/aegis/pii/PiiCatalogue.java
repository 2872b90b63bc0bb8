package io.aegis.pii;

import java.util.List;

/**
 * The PII types in force, in catalogue order. A type's index in {@link #types()} is its id in
 * findings and counts, so per-request state can be plain arrays.
 */
public record PiiCatalogue(List<PiiType> types) {
    /** The canonical types every catalogue must define (pii/README.md). */
    public static final List<String> CANONICAL = List.of(
            "EMAIL", "PHONE", "CREDIT_CARD", "US_SSN", "IBAN", "IP_ADDRESS", "API_KEY");

    public PiiCatalogue {
        types = List.copyOf(types);
    }

    /** The index of the type called {@code name}, or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < types.size(); i++) {
            if (types.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
