package io.aegis.rules;

import io.aegis.yaml.LocatedProblem;
import java.util.List;

/** Every problem found in a set of rule files, each located ({@code FILE:LINE:COL: key: message}). */
public final class RulesException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<LocatedProblem> problems;

    public RulesException(List<LocatedProblem> problems) {
        super(LocatedProblem.render("the rules", problems));
        this.problems = List.copyOf(problems);
    }

    public List<LocatedProblem> problems() {
        return problems;
    }
}
