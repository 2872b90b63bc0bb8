package io.aegis.pii.validate;

/**
 * IPv4 addresses in dotted-quad form: four octets of 0-255 without leading zeros, not part of a
 * longer dotted sequence (a version number like 1.2.3.4.5, an OID) or a longer number.
 */
public final class Ipv4Validator implements PiiValidator {
    @Override
    public boolean accepts(byte[] text, int limit, int start, int end) {
        if (!Bytes.numberBounded(text, limit, start, end)) {
            return false;
        }
        int octets = 0;
        int i = start;
        while (i < end) {
            int value = 0;
            int digits = 0;
            int first = i;
            while (i < end && Bytes.isDigit(text[i])) {
                value = value * 10 + text[i] - '0';
                digits++;
                i++;
            }
            if (digits == 0 || digits > 3 || value > 255 || digits > 1 && text[first] == '0') {
                return false;
            }
            octets++;
            if (i < end) {
                if (text[i] != '.' || octets == 4) {
                    return false;
                }
                i++;
            }
        }
        return octets == 4;
    }
}
