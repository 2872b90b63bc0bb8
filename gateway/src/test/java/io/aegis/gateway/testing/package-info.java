/** Test fixtures: a gateway in front of a mock upstream, and the suite-wide buffer leak check. */
package io.aegis.gateway.testing;
