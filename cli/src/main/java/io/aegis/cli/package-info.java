/**
 * The {@code aegis} command line: one class per command (the long-running gateway, drainer and mock,
 * and the tools that read stdin and write results), dispatched by {@link io.aegis.cli.AegisMain}.
 */
package io.aegis.cli;
