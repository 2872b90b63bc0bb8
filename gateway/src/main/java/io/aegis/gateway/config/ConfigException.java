package io.aegis.gateway.config;

import io.aegis.yaml.LocatedProblem;
import java.util.List;

/** A config that cannot start the gateway, with every problem found in it, each located. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<LocatedProblem> problems;

    public ConfigException(List<LocatedProblem> problems) {
        super(LocatedProblem.render("config", problems));
        this.problems = List.copyOf(problems);
    }

    public List<LocatedProblem> problems() {
        return problems;
    }
}
