package io.aegis.rules;

import java.util.List;

/** Every problem found in a set of rule files, each as {@code FILE:LINE:COL: message}. */
public final class RulesException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<String> problems;

    public RulesException(List<String> problems) {
        super(problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in the rules:"
                + System.lineSeparator() + "  " + String.join(System.lineSeparator() + "  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
