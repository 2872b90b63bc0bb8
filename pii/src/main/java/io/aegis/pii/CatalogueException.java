package io.aegis.pii;

import io.aegis.yaml.LocatedProblem;
import java.util.List;

/** A catalogue file that cannot be used, with every problem found in it, each located ({@code FILE:LINE:COL: key: message}). */
public final class CatalogueException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<LocatedProblem> problems;

    public CatalogueException(List<LocatedProblem> problems) {
        super(LocatedProblem.render("the PII catalogue", problems));
        this.problems = List.copyOf(problems);
    }

    public List<LocatedProblem> problems() {
        return problems;
    }
}
