/**
 * The tool commands of {@code aegis} (SPEC §2) that read stdin and write results, as opposed to
 * the long-running gateway and mock commands.
 */
package io.aegis.gateway.cli;
