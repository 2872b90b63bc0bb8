package io.aegis.cost;

import io.aegis.yaml.LocatedProblem;
import java.util.List;

/** Every problem in a pricing file, each located ({@code FILE:LINE:COL: key: message}). */
public final class PricingException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<LocatedProblem> problems;

    public PricingException(List<LocatedProblem> problems) {
        super(LocatedProblem.render("the pricing file", problems));
        this.problems = List.copyOf(problems);
    }

    public List<LocatedProblem> problems() {
        return problems;
    }
}
