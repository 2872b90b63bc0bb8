package io.aegis.gateway.usage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The field names leading to the current token, tracked token by token without allocation. Names
 * come from Jackson's symbol table, which interns them, so {@link #is} compares by identity first.
 */
final class JsonPath {
    static final String ARRAY = "[]";
    private static final int MAX_DEPTH = 16;

    private final String[] names = new String[MAX_DEPTH + 1];
    private int depth;

    /** Updates the path for {@code token}; returns true when the token closed a root value. */
    boolean advance(JsonToken token, JsonParser parser) throws java.io.IOException {
        switch (token) {
            case START_OBJECT:
            case START_ARRAY:
                depth++;
                if (depth <= MAX_DEPTH) {
                    names[depth] = token == JsonToken.START_ARRAY ? ARRAY : null;
                }
                return false;
            case END_OBJECT:
            case END_ARRAY:
                depth--;
                return depth == 0;
            case FIELD_NAME:
                if (depth <= MAX_DEPTH) {
                    names[depth] = parser.currentName();
                }
                return false;
            default:
                return false;
        }
    }

    int depth() {
        return depth;
    }

    /** The field name (or {@link #ARRAY}) at nesting level {@code level}, 1 being inside the root value. */
    boolean is(int level, String name) {
        if (level < 1 || level > depth || level > MAX_DEPTH) {
            return false;
        }
        String actual = names[level];
        return actual == name || name.equals(actual);
    }

    String name(int level) {
        return level >= 1 && level <= Math.min(depth, MAX_DEPTH) ? names[level] : null;
    }

    void reset() {
        depth = 0;
    }
}
