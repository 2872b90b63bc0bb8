package io.aegis.pii;

/** A compiled catalogue that hands out scanners: Hyperscan-backed or pure Java, with identical findings. */
public interface PiiEngine extends AutoCloseable {
    /** {@code hyperscan} or {@code java}. */
    String name();

    PiiCatalogue catalogue();

    /** A scanner for the calling thread. */
    PiiScanner newScanner();

    @Override
    void close();
}
