package io.aegis.pii;

import io.aegis.natives.HyperscanSupport;
import io.aegis.pii.engine.CompiledCatalogue;
import io.aegis.pii.engine.HyperscanEngine;
import io.aegis.pii.engine.JavaEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the engine for a catalogue: Hyperscan where it runs, pure Java otherwise, said once in the log. */
public final class PiiEngines {
    private static final Logger LOG = LoggerFactory.getLogger(PiiEngines.class);

    private PiiEngines() {
    }

    /** The best engine this host can run. */
    public static PiiEngine best(PiiCatalogue catalogue) {
        CompiledCatalogue compiled = new CompiledCatalogue(catalogue);
        HyperscanSupport support = HyperscanSupport.current();
        if (support.available()) {
            LOG.info("PII engine: hyperscan {} ({} patterns)", support.version(), compiled.patternCount());
            return new HyperscanEngine(compiled);
        }
        LOG.info("PII engine: java ({} patterns; Hyperscan unavailable: {})", compiled.patternCount(),
                support.reason());
        return new JavaEngine(compiled);
    }

    /** The pure-Java engine, whatever the host can do. */
    public static PiiEngine java(PiiCatalogue catalogue) {
        return new JavaEngine(new CompiledCatalogue(catalogue));
    }

    /** The Hyperscan engine; fails where Hyperscan does not run. */
    public static PiiEngine hyperscan(PiiCatalogue catalogue) {
        HyperscanSupport support = HyperscanSupport.current();
        if (!support.available()) {
            throw new IllegalStateException("Hyperscan is not available: " + support.reason());
        }
        return new HyperscanEngine(new CompiledCatalogue(catalogue));
    }
}
