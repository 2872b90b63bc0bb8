/** The gateway's side of rule sets: files found by glob, the current set swapped atomically, and requests seen as rule attributes. */
package io.aegis.gateway.rules;
