package io.aegis.pii.validate;

/**
 * E-mail addresses: a local part of at most 64 characters that neither starts nor ends with a dot
 * nor holds two in a row, and a domain of DNS labels (1-63 characters, no leading or trailing
 * hyphen) ending in an alphabetic top-level domain. Asset names that look like addresses
 * ({@code logo@2x.png}) are not addresses.
 */
public final class EmailValidator implements PiiValidator {
    private static final String[] FILE_EXTENSIONS = {
        "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "js", "mjs", "css", "map", "json", "html", "txt"
    };

    @Override
    public boolean accepts(byte[] text, int limit, int start, int end) {
        if (Bytes.isAlnum(Bytes.at(text, limit, end)) || end - start > 254) {
            return false;
        }
        int at = -1;
        for (int i = start; i < end; i++) {
            if (text[i] == '@') {
                if (at >= 0) {
                    return false;
                }
                at = i;
            }
        }
        if (at <= start || at - start > 64 || text[start] == '.' || text[at - 1] == '.') {
            return false;
        }
        for (int i = start + 1; i < at; i++) {
            if (text[i] == '.' && text[i - 1] == '.') {
                return false;
            }
        }
        int labelStart = at + 1;
        int lastLabelStart = labelStart;
        for (int i = at + 1; i <= end; i++) {
            if (i == end || text[i] == '.') {
                int length = i - labelStart;
                if (length < 1 || length > 63 || text[labelStart] == '-' || text[i - 1] == '-') {
                    return false;
                }
                lastLabelStart = labelStart;
                labelStart = i + 1;
            }
        }
        int tldLength = end - lastLabelStart;
        if (tldLength < 2 || tldLength > 24 || lastLabelStart == at + 1) {
            return false;
        }
        for (int i = lastLabelStart; i < end; i++) {
            if (!Bytes.isLetter(text[i])) {
                return false;
            }
        }
        return !isAssetName(text, at, lastLabelStart, end);
    }

    /** {@code name@2x.png}: a scale suffix or a file extension where a domain should be. */
    private static boolean isAssetName(byte[] text, int at, int tldStart, int end) {
        for (String extension : FILE_EXTENSIONS) {
            if (end - tldStart == extension.length() && equalsIgnoreCase(text, tldStart, extension)) {
                return true;
            }
        }
        int first = at + 1;
        return Bytes.isDigit(text[first]) && (text[first + 1] == 'x' || text[first + 1] == 'X')
                && text[first + 2] == '.';
    }

    private static boolean equalsIgnoreCase(byte[] text, int from, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            if (Character.toLowerCase((char) text[from + i]) != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
