/**
 * The {@code aegis} command and the wiring of a running gateway from its config.
 */
package io.aegis.gateway;
