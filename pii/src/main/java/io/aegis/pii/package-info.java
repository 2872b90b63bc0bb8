/**
 * PII detection and redaction: the catalogue of types, the scan over message text (Hyperscan, with
 * a pure-Java engine that finds the same), and the findings later stages read as type counts.
 */
package io.aegis.pii;
