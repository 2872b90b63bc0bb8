package io.aegis.pii.engine;

import io.aegis.pii.Findings;
import io.aegis.pii.PiiCatalogue;
import io.aegis.pii.PiiEngine;
import io.aegis.pii.PiiScanner;
import io.aegis.pii.PiiStream;

/** The pure-Java engine: every pattern's extraction runs over the whole text. */
public final class JavaEngine implements PiiEngine {
    private final CompiledCatalogue compiled;

    public JavaEngine(CompiledCatalogue compiled) {
        this.compiled = compiled;
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public PiiCatalogue catalogue() {
        return compiled.catalogue;
    }

    @Override
    public PiiScanner newScanner() {
        FindingExtractor extractor = new FindingExtractor(compiled);
        int types = compiled.catalogue.types().size();
        return new PiiScanner() {
            @Override
            public int scan(byte[] text, int length, Findings out) {
                out.clear(types);
                extractor.begin(text, length);
                for (int p = 0; p < compiled.patterns.length; p++) {
                    extractor.extract(p, text, length, 0, length);
                }
                extractor.finish(out);
                return out.size();
            }

            @Override
            public PiiStream openStream(int holdbackBytes) {
                return new StreamScan(compiled, extractor, null, holdbackBytes);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void close() {
    }
}
