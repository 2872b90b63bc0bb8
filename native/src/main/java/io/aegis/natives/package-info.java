/**
 * Native capability checks: which Netty transport this host can run, and why another was refused.
 */
package io.aegis.natives;
