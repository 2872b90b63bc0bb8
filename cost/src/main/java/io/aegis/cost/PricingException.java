package io.aegis.cost;

import java.util.List;

/** Every problem in a pricing file, each as {@code FILE:LINE:COL: message}. */
public final class PricingException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<String> problems;

    public PricingException(List<String> problems) {
        super(problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in the pricing file:"
                + System.lineSeparator() + "  " + String.join(System.lineSeparator() + "  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
