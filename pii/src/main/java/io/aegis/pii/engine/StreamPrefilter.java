package io.aegis.pii.engine;

/**
 * What narrows a stream's extraction to where matches can be: Hyperscan in stream mode reports
 * spans as the bytes go by, each byte scanned once. Without one (the pure-Java engine), every
 * pattern is searched over the undecided text.
 */
interface StreamPrefilter extends AutoCloseable {
    /** Scans the next {@code length} bytes of the stream, {@code text[from, from + length)}. */
    void scan(byte[] text, int from, int length);

    /** The stream ended: reports what only the end of the text decides. */
    void finish();

    /** A new stream. */
    void reset();

    /** The spans reported so far and not yet dropped, in stream offsets. */
    SpanRecorder spans();

    /** The leading run scanned apart from pattern {@code p}, or {@code null}. */
    LeadingRun lead(int p);

    @Override
    void close();
}
