package io.aegis.pii.validate;

/**
 * Judges a candidate match. Text is UTF-8; the candidate is {@code text[start, end)} and its
 * neighbours are readable up to {@code limit}. Implementations allocate nothing.
 */
@FunctionalInterface
public interface PiiValidator {
    /** Accepts every candidate: for types whose pattern is exact enough on its own. */
    PiiValidator NONE = (text, limit, start, end) -> true;

    boolean accepts(byte[] text, int limit, int start, int end);
}
