package io.aegis.pii.engine;

import io.aegis.pii.PiiCatalogue;
import io.aegis.pii.PiiType;
import io.aegis.pii.validate.PiiValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The catalogue flattened for scanning: every pattern with a global id (its index here), the type
 * it belongs to, and the type's validator. Immutable and shared by all threads.
 */
public final class CompiledCatalogue {
    final PiiCatalogue catalogue;
    final String[] sources;
    final Pattern[] patterns;
    final int[] typeOf;
    final PiiValidator[] validators;
    /** Each pattern's shape (alphabet and widest match), for holding back streamed text. */
    final PatternShape[] shapes;
    /** The distinct shapes among {@link #shapes}: a stream judges its hold-back once per shape. */
    final PatternShape[] distinctShapes;

    public CompiledCatalogue(PiiCatalogue catalogue) {
        this.catalogue = catalogue;
        List<String> sources = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        for (int t = 0; t < catalogue.types().size(); t++) {
            PiiType type = catalogue.types().get(t);
            for (String pattern : type.patterns()) {
                sources.add(pattern);
                types.add(t);
            }
        }
        this.sources = sources.toArray(new String[0]);
        this.patterns = new Pattern[this.sources.length];
        this.typeOf = new int[this.sources.length];
        this.validators = new PiiValidator[catalogue.types().size()];
        for (int p = 0; p < this.sources.length; p++) {
            patterns[p] = Pattern.compile(this.sources[p]);
            typeOf[p] = types.get(p);
        }
        this.shapes = new PatternShape[this.sources.length];
        List<PatternShape> distinct = new ArrayList<>();
        for (int p = 0; p < this.sources.length; p++) {
            PatternShape shape = PatternShape.of(this.sources[p]);
            PatternShape same = null;
            for (PatternShape seen : distinct) {
                if (seen.maxWidth == shape.maxWidth && java.util.Arrays.equals(seen.alphabet, shape.alphabet)) {
                    same = seen;
                }
            }
            if (same == null) {
                distinct.add(shape);
                same = shape;
            }
            shapes[p] = same;
        }
        this.distinctShapes = distinct.toArray(new PatternShape[0]);
        for (int t = 0; t < validators.length; t++) {
            validators[t] = catalogue.types().get(t).validator();
        }
    }

    public PiiCatalogue catalogue() {
        return catalogue;
    }

    /** Every pattern, in id order. */
    public String[] patternSources() {
        return sources.clone();
    }

    public int patternCount() {
        return sources.length;
    }
}
