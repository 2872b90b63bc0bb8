package io.aegis.pii;

/**
 * Scans one text that arrives in pieces (an answer's text deltas) with a bounded hold-back: text is
 * decided, and may be released to the reader, as soon as no pattern can still be matching it. A
 * value split across pieces at any byte is found as if the text had come whole; the findings equal
 * a block scan's of the whole text. Positions are offsets from the text's first byte.
 *
 * <p>How much is held back: what a match in progress could still cover, judged per pattern from
 * the bytes a match can contain and its widest match ({@code pii/README.md}), and never more than
 * the hold-back given when the stream was opened (a longer value of an open-ended pattern, such
 * as a 300-byte key, is cut at that bound and may be missed). Memory is that hold-back plus
 * whatever the reader has not yet released.
 *
 * <p>Bound to the thread of the scanner that opened it; closed (or reset) by its owner.
 */
public interface PiiStream extends AutoCloseable {
    /** Appends {@code text[offset, offset + length)} and decides what it can. */
    void append(byte[] text, int offset, int length);

    /** The text is complete: everything is decided. */
    void finish();

    /** The end of the text appended so far. */
    int end();

    /** Text before this offset is decided: no later byte changes its findings. */
    int decidedUpTo();

    /**
     * The findings decided since {@link #takeDecided()} was last called, in text order, with
     * stream offsets; none ends after {@link #decidedUpTo()}.
     */
    Findings decided();

    /** Empties {@link #decided()}: its reader has dealt with those findings. */
    void takeDecided();

    /** The byte at stream offset {@code offset}, which must not be released yet. */
    byte byteAt(int offset);

    /** Copies {@code [from, to)} (not yet released) into {@code out} at {@code at}. */
    void copy(int from, int to, byte[] out, int at);

    /** The reader no longer needs text before {@code offset} (at most {@link #decidedUpTo()}). */
    void release(int offset);

    /**
     * The size of the stream's text buffer: it holds the unreleased text, the undecided tail and a
     * little context, and grows only when those do not fit.
     */
    int bufferBytes();

    /** Starts a new text, keeping buffers and native state. */
    void reset();

    @Override
    void close();
}
