package io.aegis.pii;

/**
 * Scans UTF-8 text for the catalogue's types. Not thread-safe: one scanner per thread (each holds
 * native scratch space and reusable buffers). Close it to free native memory.
 */
public interface PiiScanner extends AutoCloseable {
    /**
     * Scans {@code text[0, length)} and replaces {@code out}'s contents with the findings.
     *
     * @return the number of findings
     */
    int scan(byte[] text, int length, Findings out);

    /**
     * A stream for one text arriving in pieces, held back at most {@code holdbackBytes}; it scans
     * with this scanner's thread-bound parts, so it belongs to the same thread.
     */
    PiiStream openStream(int holdbackBytes);

    @Override
    void close();
}
