package io.aegis.control;

/**
 * One reason a change was refused.
 *
 * @param path    where: a file name or a key path ({@code tenants[0].budget.usd_per_day}); never a value
 * @param line    1-based line in the body or file, 0 when there is none
 * @param column  1-based column, 0 when there is none
 * @param message what is wrong and what to do
 */
public record Problem(String path, int line, int column, String message) {
}
