package io.aegis.pii.validate;

/**
 * Judges a candidate match. Text is UTF-8; the candidate is {@code text[start, end)} and its
 * neighbours are readable up to {@code limit}. Implementations allocate nothing, and look at no
 * more than {@link #NEIGHBOUR_BYTES} bytes on either side of the candidate: a stream holds back
 * that many bytes beyond a candidate before it decides it.
 */
@FunctionalInterface
public interface PiiValidator {
    /** Accepts every candidate: for types whose pattern is exact enough on its own. */
    PiiValidator NONE = (text, limit, start, end) -> true;

    /** How far past either end of a candidate a validator (or a pattern's {@code \b}) may look. */
    int NEIGHBOUR_BYTES = 2;

    boolean accepts(byte[] text, int limit, int start, int end);
}
