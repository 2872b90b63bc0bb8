package io.aegis.pii.validate;

/** ASCII classification of UTF-8 bytes; bytes of multi-byte characters are never ASCII letters or digits. */
final class Bytes {
    private Bytes() {
    }

    static boolean isDigit(int b) {
        return b >= '0' && b <= '9';
    }

    static boolean isLetter(int b) {
        return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z';
    }

    static boolean isAlnum(int b) {
        return isDigit(b) || isLetter(b);
    }

    static boolean isHex(int b) {
        return isDigit(b) || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F';
    }

    /** The byte at {@code i}, or -1 outside {@code [0, limit)}. */
    static int at(byte[] text, int limit, int i) {
        return i >= 0 && i < limit ? text[i] & 0xff : -1;
    }

    /** True when the value does not continue a run of letters or digits on either side. */
    static boolean alnumBounded(byte[] text, int limit, int start, int end) {
        return !isAlnum(at(text, limit, start - 1)) && !isAlnum(at(text, limit, end));
    }

    /**
     * True when a number is not part of a longer number: no digit touches it, and no '.' or ','
     * joins it to one (a decimal fraction, a dotted version, a thousands group).
     */
    static boolean numberBounded(byte[] text, int limit, int start, int end) {
        int before = at(text, limit, start - 1);
        int after = at(text, limit, end);
        if (isAlnum(before) || isAlnum(after)) {
            return false;
        }
        if ((before == '.' || before == ',' || before == '-') && isDigit(at(text, limit, start - 2))) {
            return false;
        }
        return !((after == '.' || after == ',' || after == '-') && isDigit(at(text, limit, end + 1)));
    }
}
