package io.aegis.cli;

import java.util.ArrayList;
import java.util.List;

/** {@code --name value} options of one command, each taken at most once; leftovers are a usage error. */
final class CommandOptions {
    private final List<String> args;

    CommandOptions(List<String> args) {
        this.args = new ArrayList<>(args);
    }

    String value(String name) {
        int at = args.indexOf(name);
        if (at < 0) {
            return null;
        }
        if (at == args.size() - 1) {
            throw new UsageException(name + " needs a value");
        }
        String value = args.get(at + 1);
        args.remove(at + 1);
        args.remove(at);
        return value;
    }

    /** Whether the flag {@code name} (no value) was given; it is taken. */
    boolean flag(String name) {
        return args.remove(name);
    }

    long longValue(String name, long fallback, long min, long max) {
        String value = value(name);
        if (value == null) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed < min || parsed > max) {
                throw new UsageException(name + " must be between " + min + " and " + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a whole number, got '" + value + "'");
        }
    }

    void rejectLeftovers() {
        if (!args.isEmpty()) {
            throw new UsageException("unexpected argument '" + args.get(0) + "'");
        }
    }
}
