package io.aegis.pii.validate;

/**
 * US Social Security numbers written {@code AAA-GG-SSSS} (dashes or spaces, the same both times):
 * area 001-899 but not 666, group not 00, serial not 0000, and not the few numbers that were
 * printed in advertising and voided. Not part of a longer number.
 */
public final class UsSsnValidator implements PiiValidator {
    @Override
    public boolean accepts(byte[] text, int limit, int start, int end) {
        if (end - start != 11 || !Bytes.numberBounded(text, limit, start, end)) {
            return false;
        }
        int sep = text[start + 3];
        if (sep != '-' && sep != ' ' || text[start + 6] != sep) {
            return false;
        }
        int area = number(text, start, 3);
        int group = number(text, start + 4, 2);
        int serial = number(text, start + 7, 4);
        if (area < 0 || group < 0 || serial < 0) {
            return false;
        }
        if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
            return false;
        }
        // Woolworth's wallet card and a 1960s advertisement: printed everywhere, voided by the SSA.
        return !(area == 78 && group == 5 && serial == 1120) && !(area == 219 && group == 9 && serial == 9999);
    }

    private static int number(byte[] text, int from, int digits) {
        int value = 0;
        for (int i = from; i < from + digits; i++) {
            if (!Bytes.isDigit(text[i])) {
                return -1;
            }
            value = value * 10 + text[i] - '0';
        }
        return value;
    }
}
