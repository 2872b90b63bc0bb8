package io.aegis.gateway.usage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/** Receives the tokens of a sequence of root JSON values, one at a time. */
interface JsonTokenVisitor {
    /** Called for each token; {@code parser} is positioned on it. */
    void token(JsonToken token, JsonParser parser) throws IOException;

    /** Forget any partly read value: the next token starts a new root value. */
    void resetValue();

    /** True when the current token's text equals {@code expected}, without building a String. */
    static boolean textEquals(JsonParser parser, String expected) throws IOException {
        int length = parser.getTextLength();
        if (length != expected.length()) {
            return false;
        }
        char[] chars = parser.getTextCharacters();
        int offset = parser.getTextOffset();
        for (int i = 0; i < length; i++) {
            if (chars[offset + i] != expected.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
