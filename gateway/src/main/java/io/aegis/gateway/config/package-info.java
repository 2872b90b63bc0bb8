/**
 * Reads {@code aegis.yaml} (the README's Configuration) into typed settings. Every problem in a file is reported at
 * once with file, line, key and reason; nothing here runs on the request path.
 */
package io.aegis.gateway.config;
