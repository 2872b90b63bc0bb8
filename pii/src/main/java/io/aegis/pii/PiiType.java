package io.aegis.pii;

import io.aegis.pii.validate.PiiValidator;
import java.util.List;

/**
 * One kind of personal data or secret: its patterns (each compiled into the same Hyperscan
 * database and the same Java fallback), the validator that confirms a candidate, and how it is
 * redacted by default.
 *
 * @param name          canonical upper-case name, e.g. {@code EMAIL}
 * @param patterns      regular expressions in the subset Hyperscan and {@code java.util.regex} share
 * @param validatorName the validator's name in {@link io.aegis.pii.validate.Validators}
 * @param validator     the validator itself
 * @param redaction     default redaction style
 * @param examples      values that must be found (a self-check for catalogue authors)
 * @param counterExamples look-alikes that must not be found
 */
public record PiiType(
        String name,
        List<String> patterns,
        String validatorName,
        PiiValidator validator,
        RedactionStyle redaction,
        List<String> examples,
        List<String> counterExamples) {
}
