package io.aegis.pii.validate;

/**
 * IBANs: a country that issues them (the SWIFT registry and the national schemes outside it), that country's exact length, and a mod-97 remainder of 1
 * (ISO 13616), written compact or in groups of four separated by single spaces.
 */
public final class IbanValidator implements PiiValidator {
    /** Country code and IBAN length, from the SWIFT IBAN registry. */
    private static final String[] LENGTHS = {
        "AD24", "AE23", "AL28", "AT20", "AZ28", "BA20", "BE16", "BG22", "BH22", "BI27", "BR29", "BY28", "CH21",
        "CR22", "CY28", "CZ24", "DE22", "DJ27", "DK18", "DO28", "EE20", "EG29", "ES24", "FI18", "FK18", "FO18",
        "FR27", "GB22", "GE22", "GI23", "GL18", "GR27", "GT28", "HR21", "HU28", "IE22", "IL23", "IQ23", "IS26",
        "IT27", "JO30", "KW30", "KZ20", "LB28", "LC32", "LI21", "LT20", "LU20", "LV21", "LY25", "MC27", "MD24",
        "ME22", "MK19", "MN20", "MR27", "MT31", "MU30", "NI28", "NL18", "NO15", "OM23", "PK24", "PL28", "PS29",
        "PT25", "QA29", "RO24", "RS22", "RU33", "SA24", "SC31", "SD18", "SE24", "SI19", "SK24", "SM27", "SO23",
        "ST25", "SV28", "TL23", "TN24", "TR26", "UA29", "VA22", "VG24", "XK20", "YE30", "HN28",
        // Territories that use their parent country's format (France, the United Kingdom, Finland).
        "GF27", "GP27", "MQ27", "RE27", "PF27", "TF27", "YT27", "NC27", "PM27", "WF27", "BL27", "MF27",
        "GG22", "JE22", "IM22", "AX18",
        // Countries issuing IBANs outside the SWIFT registry (national schemes, widely generated and seen).
        "AO25", "BF28", "BJ28", "CF27", "CG27", "CI28", "CM27", "CV25", "DZ26", "GA27", "GQ27", "GW25",
        "IR26", "KM27", "MA28", "MG27", "ML28", "MZ25", "NE28", "SN28", "TD27", "TG28"
    };
    private static final int[] LENGTH_BY_COUNTRY = new int[26 * 26];

    static {
        for (String entry : LENGTHS) {
            LENGTH_BY_COUNTRY[(entry.charAt(0) - 'A') * 26 + entry.charAt(1) - 'A'] = Integer.parseInt(entry.substring(2));
        }
    }

    @Override
    public boolean accepts(byte[] text, int limit, int start, int end) {
        if (!Bytes.alnumBounded(text, limit, start, end) || end - start < 4) {
            return false;
        }
        int c0 = text[start];
        int c1 = text[start + 1];
        if (c0 < 'A' || c0 > 'Z' || c1 < 'A' || c1 > 'Z') {
            return false;
        }
        int expected = LENGTH_BY_COUNTRY[(c0 - 'A') * 26 + c1 - 'A'];
        // Count characters; where spaces are used, every group but the last has exactly four.
        int length = 0;
        int group = 0;
        boolean spaced = false;
        for (int i = start; i < end; i++) {
            int b = text[i];
            if (b == ' ') {
                if (group != 4 || i == end - 1) {
                    return false;
                }
                spaced = true;
                group = 0;
            } else if (Bytes.isDigit(b) || b >= 'A' && b <= 'Z') {
                length++;
                group++;
            } else {
                return false;
            }
        }
        if (spaced && group > 4) {
            return false;
        }
        if (expected == 0 || length != expected) {
            return false;
        }
        return mod97(text, start, end) == 1;
    }

    /** The IBAN's remainder mod 97 with its first four characters moved to the end, letters as 10..35. */
    static int mod97(byte[] text, int start, int end) {
        int remainder = 0;
        int seen = 0;
        for (int pass = 0; pass < 2; pass++) {
            seen = 0;
            for (int i = start; i < end; i++) {
                int b = text[i];
                if (b == ' ') {
                    continue;
                }
                boolean head = seen < 4;
                seen++;
                if (head != (pass == 1)) {
                    continue;
                }
                if (Bytes.isDigit(b)) {
                    remainder = (remainder * 10 + b - '0') % 97;
                } else {
                    remainder = (remainder * 100 + b - 'A' + 10) % 97;
                }
            }
        }
        return remainder;
    }
}
