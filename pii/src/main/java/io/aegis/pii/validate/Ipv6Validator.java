package io.aegis.pii.validate;

/**
 * IPv6 addresses (RFC 4291 text forms): eight groups of one to four hex digits, or fewer with one
 * {@code ::}, optionally ending in a dotted IPv4 address. Times (12:30:45) and MAC addresses
 * (00:1a:2b:3c:4d:5e) have too few groups and no {@code ::}, so they are not addresses.
 */
public final class Ipv6Validator implements PiiValidator {
    private static final Ipv4Validator IPV4 = new Ipv4Validator();

    @Override
    public boolean accepts(byte[] text, int limit, int start, int end) {
        int before = Bytes.at(text, limit, start - 1);
        int after = Bytes.at(text, limit, end);
        if (Bytes.isHex(before) || before == ':' || Bytes.isHex(after) || after == ':' || Bytes.isLetter(after)) {
            return false;
        }
        if (after == '.' && Bytes.isDigit(Bytes.at(text, limit, end + 1))) {
            // Cut short inside an embedded IPv4 address (::ffff:25|.143.105.240): not the whole value.
            return false;
        }
        int groups = 0;
        boolean compressed = false;
        int i = start;
        if (end - start >= 2 && text[i] == ':' && text[i + 1] == ':') {
            compressed = true;
            i += 2;
        } else if (text[i] == ':') {
            return false;
        }
        while (i < end) {
            int groupStart = i;
            while (i < end && Bytes.isHex(text[i]) && i - groupStart < 5) {
                i++;
            }
            int length = i - groupStart;
            if (i < end && text[i] == '.') {
                // An embedded IPv4 address takes the last 32 bits.
                return IPV4.accepts(text, end, groupStart, end) && (compressed ? groups <= 5 : groups == 6)
                        && (groupStart == start || text[groupStart - 1] == ':');
            }
            if (length == 0 || length > 4) {
                return false;
            }
            groups++;
            if (i == end) {
                break;
            }
            if (text[i] != ':') {
                return false;
            }
            i++;
            if (i < end && text[i] == ':') {
                if (compressed) {
                    return false;
                }
                compressed = true;
                i++;
            } else if (i == end) {
                return false;
            }
        }
        return compressed ? groups <= 7 && end - start >= 2 : groups == 8;
    }
}
