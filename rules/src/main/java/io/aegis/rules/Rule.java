package io.aegis.rules;

import java.util.List;

/**
 * One rule as checked and compiled: its id, where it was written, its action and the action's
 * parameters (immutable, built once, shared by every evaluation that reaches it).
 *
 * @param file the rule file
 * @param line 1-based line of the rule's entry
 * @param status for {@code deny}: the HTTP status (403 unless given)
 * @param message for {@code deny}: what the caller is told
 * @param types for {@code redact}: PII type names
 * @param model for {@code route}: the model to send the request to
 * @param tags for {@code tag}: the tags to add
 * @param sampleRate for {@code sample}: the share of events to keep, 0 to 1
 * @param limitClass for {@code limit}: the rate-limit class
 */
public record Rule(String id, String description, String file, int line, ActionKind action, boolean shadow,
        int status, String message, List<String> types, String model, List<String> tags, double sampleRate,
        String limitClass) {
}
