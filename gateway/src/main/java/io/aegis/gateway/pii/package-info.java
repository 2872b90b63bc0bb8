/**
 * PII on the request path: the message text is decoded and scanned, and each tenant's policy
 * decides per type whether a finding is only recorded, redacted in the forwarded body, or blocks
 * the request. Findings are kept as types and positions; the matched text is never logged.
 */
package io.aegis.gateway.pii;
