package io.aegis.pii.validate;

/**
 * Secrets with a fixed prefix (cloud and LLM provider keys): the value must stand alone, not run on
 * from or into other key characters, so a prefix found inside a longer identifier is not a key.
 */
public final class TokenBoundaryValidator implements PiiValidator {
    @Override
    public boolean accepts(byte[] text, int limit, int start, int end) {
        int before = Bytes.at(text, limit, start - 1);
        int after = Bytes.at(text, limit, end);
        return !isKeyChar(before) && !isKeyChar(after);
    }

    private static boolean isKeyChar(int b) {
        return Bytes.isAlnum(b) || b == '_' || b == '-';
    }
}
