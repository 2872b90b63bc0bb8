package io.aegis.gateway.config;

/**
 * One thing wrong with a config file.
 *
 * @param file    the file as the user named it
 * @param line    1-based line, or 0 when unknown
 * @param column  1-based column, or 0 when unknown
 * @param key     the dotted key path, e.g. {@code providers.anthropic.timeouts.connect_ms}
 * @param message what is wrong and what to do
 */
public record ConfigProblem(String file, int line, int column, String key, String message) {
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
}
