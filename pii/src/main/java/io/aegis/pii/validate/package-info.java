/**
 * Validators that separate real values from look-alikes a pattern alone lets through: checksums
 * (Luhn, mod-97), issued ranges (SSN, card prefixes), address ranges (IPv4, IPv6), and the
 * boundaries that stop a value being read out of a longer run of the same characters.
 */
package io.aegis.pii.validate;
