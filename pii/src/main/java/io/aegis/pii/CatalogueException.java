package io.aegis.pii;

import java.util.List;

/** A catalogue file that cannot be used, with every problem found in it as {@code FILE:LINE:COL: message}. */
public final class CatalogueException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<String> problems;

    public CatalogueException(List<String> problems) {
        super(problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in the PII catalogue:"
                + System.lineSeparator() + "  " + String.join(System.lineSeparator() + "  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
