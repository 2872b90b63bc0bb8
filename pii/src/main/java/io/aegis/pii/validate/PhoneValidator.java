package io.aegis.pii.validate;

/**
 * Phone numbers: North American (NANP: ten digits, area code and exchange starting 2-9, with an
 * optional +1 or 1) and international E.164 forms (a leading +, a country code, 8-15 digits in all).
 * Separators are single spaces, dots or dashes, and parentheses around the area code. A number that
 * runs on into other digits is not a phone number, nor are ten bare digits (as often an id).
 */
public final class PhoneValidator implements PiiValidator {
    @Override
    public boolean accepts(byte[] text, int limit, int start, int end) {
        if (!Bytes.numberBounded(text, limit, start, end) || Bytes.at(text, limit, start - 1) == '+') {
            return false;
        }
        boolean plus = text[start] == '+';
        boolean separated = false;
        int digits = 0;
        // The first eleven digits, most significant first: enough for every NANP check below.
        long leading = 0;
        int parens = 0;
        for (int i = plus ? start + 1 : start; i < end; i++) {
            int b = text[i];
            if (Bytes.isDigit(b)) {
                if (digits < 11) {
                    leading = leading * 10 + (b - '0');
                }
                digits++;
            } else if (b == '(' && parens == 0) {
                parens = 1;
                separated = true;
            } else if (b == ')' && parens == 1) {
                parens = 2;
            } else if (b == ' ' || b == '-' || b == '.') {
                int next = Bytes.at(text, end, i + 1);
                if (!(Bytes.isDigit(next) || next == '(')) {
                    return false;
                }
                separated = true;
            } else {
                return false;
            }
        }
        if (parens == 1 || digits < 8 || digits > 15) {
            return false;
        }
        int firstDigit = digit(leading, Math.min(digits, 11), 0);
        if (plus) {
            if (firstDigit == 1) {
                return digits == 11 && nanp(leading, 11, 1);
            }
            return firstDigit != 0;
        }
        if (digits == 11 && firstDigit == 1) {
            return nanp(leading, 11, 1);
        }
        return digits == 10 && separated && nanp(leading, 10, 0);
    }

    /** Area code and exchange begin 2-9; N11 service codes are not area codes. */
    private static boolean nanp(long leading, int count, int from) {
        int area0 = digit(leading, count, from);
        int area1 = digit(leading, count, from + 1);
        int area2 = digit(leading, count, from + 2);
        int exchange0 = digit(leading, count, from + 3);
        return area0 >= 2 && exchange0 >= 2 && !(area1 == 1 && area2 == 1);
    }

    /** Digit {@code index} (0 = most significant) of a {@code count}-digit number. */
    private static int digit(long value, int count, int index) {
        for (int i = count - 1; i > index; i--) {
            value /= 10;
        }
        return (int) (value % 10);
    }
}
