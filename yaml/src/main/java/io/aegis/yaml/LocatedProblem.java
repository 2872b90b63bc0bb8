package io.aegis.yaml;

/**
 * One thing wrong with a file, where it is: printed as {@code FILE:LINE:COL: KEY: message}.
 *
 * @param file    the file as the user named it
 * @param line    1-based line, or 0 when unknown
 * @param column  1-based column, or 0 when unknown
 * @param key     where in the document: a dotted key path ({@code providers.anthropic.timeouts}),
 *                a rule ({@code rule 'id'}), or empty
 * @param message what is wrong and what to do
 */
public record LocatedProblem(String file, int line, int column, String key, String message) {
    /** A problem of the file as a whole (not found, unreadable). */
    public static LocatedProblem ofFile(String file, String message) {
        return new LocatedProblem(file, 0, 0, "", message);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(file);
        if (line > 0) {
            out.append(':').append(line);
            if (column > 0) {
                out.append(':').append(column);
            }
        }
        out.append(": ");
        if (key != null && !key.isEmpty()) {
            out.append(key).append(": ");
        }
        return out.append(message).toString();
    }

    /** Every problem on its own line, under a heading ({@code 3 problems in the rules:}). */
    public static String render(String what, java.util.List<LocatedProblem> problems) {
        StringBuilder out = new StringBuilder();
        out.append(problems.size()).append(problems.size() == 1 ? " problem" : " problems").append(" in ").append(what)
                .append(':');
        for (LocatedProblem problem : problems) {
            out.append(System.lineSeparator()).append("  ").append(problem);
        }
        return out.toString();
    }
}
