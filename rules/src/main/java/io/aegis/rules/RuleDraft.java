package io.aegis.rules;

import java.util.List;

/** A rule as read from its file, before its condition is checked and compiled. */
record RuleDraft(String file, int line, int column, String id, String description, ConditionText when,
        ActionKind action, boolean shadow, int status, String message, List<String> types, int[] typesAt,
        String model, List<String> tags, double sampleRate, String limitClass) {

    Rule rule() {
        return new Rule(id, description, file, line, action, shadow, status, message, types, model, tags, sampleRate,
                limitClass);
    }

    String at() {
        return file + ":" + line + ":" + column;
    }
}
