/** The gateway's side of the control API: checking, compiling and swapping config versions. */
package io.aegis.gateway.control;
