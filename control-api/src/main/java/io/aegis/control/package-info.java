/**
 * The control API (control-api/README.md): the admin HTTP server, the versioned config store, virtual keys and
 * the audit trail. What a change means for the data plane is the gateway's business, reached
 * through {@link io.aegis.control.DataPlane}.
 */
package io.aegis.control;
