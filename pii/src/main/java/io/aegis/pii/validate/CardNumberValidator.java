package io.aegis.pii.validate;

/**
 * Payment card numbers: 13 to 19 digits, optionally in groups split by one space or dash, with a
 * valid Luhn check digit, an issuer prefix that is in use, and a length that issuer uses. A number
 * inside a longer number is not a card. The prefix check matters: one random 16-digit number in ten
 * passes Luhn, so order numbers and ids would otherwise be flagged.
 */
public final class CardNumberValidator implements PiiValidator {
    @Override
    public boolean accepts(byte[] text, int limit, int start, int end) {
        if (!Bytes.numberBounded(text, limit, start, end)) {
            return false;
        }
        int digits = 0;
        int separator = 0;
        long prefix = 0;
        for (int i = start; i < end; i++) {
            int b = text[i];
            if (Bytes.isDigit(b)) {
                if (digits < 6) {
                    prefix = prefix * 10 + (b - '0');
                }
                digits++;
            } else if (b == ' ' || b == '-') {
                // One separator kind, never doubled, never at the ends.
                if (separator != 0 && separator != b || i == start || i == end - 1 || !Bytes.isDigit(text[i - 1])) {
                    return false;
                }
                separator = b;
            } else {
                return false;
            }
        }
        return digits >= 13 && digits <= 19 && issuerUses((int) prefix, digits) && luhn(text, start, end);
    }

    /** Luhn over the digits of {@code text[start, end)}, separators skipped. */
    static boolean luhn(byte[] text, int start, int end) {
        int sum = 0;
        boolean doubled = false;
        for (int i = end - 1; i >= start; i--) {
            int b = text[i];
            if (!Bytes.isDigit(b)) {
                continue;
            }
            int d = b - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    /** Issuer identification by the first six digits, with the lengths each scheme issues. */
    static boolean issuerUses(int first6, int length) {
        int first1 = first6 / 100_000;
        int first2 = first6 / 10_000;
        int first3 = first6 / 1_000;
        int first4 = first6 / 100;
        if (first1 == 4) {
            return length == 13 || length == 16 || length == 19; // Visa
        }
        if (first2 >= 51 && first2 <= 55 || first4 >= 2221 && first4 <= 2720) {
            return length == 16; // Mastercard
        }
        if (first2 == 34 || first2 == 37) {
            return length == 15; // American Express
        }
        if (first4 == 6011 || first2 == 65 || first3 >= 644 && first3 <= 649 || first6 >= 622126 && first6 <= 622925) {
            return length >= 16 && length <= 19; // Discover
        }
        if (first4 >= 3528 && first4 <= 3589) {
            return length >= 16 && length <= 19; // JCB
        }
        if (first4 == 2131 || first4 == 1800) {
            return length == 15; // JCB's older 15-digit numbers
        }
        if (first4 >= 2200 && first4 <= 2204) {
            return length >= 16 && length <= 19; // Mir
        }
        if (first3 >= 300 && first3 <= 305 || first2 == 36 || first2 == 38 || first2 == 39) {
            return length >= 14 && length <= 19; // Diners Club
        }
        if (first2 == 62) {
            return length >= 16 && length <= 19; // UnionPay
        }
        if (first4 == 5018 || first4 == 5020 || first4 == 5038 || first4 == 5893 || first4 == 6304
                || first4 == 6759 || first4 == 6761 || first4 == 6762 || first4 == 6763 || first4 == 6390
                || first4 == 604 || first2 >= 56 && first2 <= 58) {
            return length >= 12 && length <= 19; // Maestro
        }
        return false;
    }
}
