package io.aegis.control;

import java.util.List;

/** A change that does not validate: every problem found, nothing applied. */
public final class ChangeRejected extends Exception {
    private final transient List<Problem> problems;

    public ChangeRejected(List<Problem> problems) {
        super(problems.size() + " problem(s), first: " + (problems.isEmpty() ? "" : problems.get(0).message()));
        this.problems = List.copyOf(problems);
    }

    public static ChangeRejected of(String path, String message) {
        return new ChangeRejected(List.of(new Problem(path, 0, 0, message)));
    }

    public List<Problem> problems() {
        return problems;
    }
}
