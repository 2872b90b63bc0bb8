package io.aegis.rules;

/**
 * A CIDR range ({@code 10.0.0.0/8}, {@code fd00::/8}) and an allocation-free test of an address
 * written as text. IPv4 addresses are held as IPv4-mapped IPv6 (::ffff:a.b.c.d), so a v4 range
 * also contains the mapped form of its addresses.
 */
final class IpRange {
    private final long high;
    private final long low;
    private final int prefixBits;

    private IpRange(long high, long low, int prefixBits) {
        this.high = high;
        this.low = low;
        this.prefixBits = prefixBits;
    }

    /** The range, or {@code null} when {@code cidr} is not an address with an optional /prefix. */
    static IpRange parse(String cidr) {
        int slash = cidr.indexOf('/');
        String address = slash < 0 ? cidr : cidr.substring(0, slash);
        long[] bits = new long[2];
        int family = parse(address, bits);
        if (family == 0) {
            return null;
        }
        int max = family == 4 ? 32 : 128;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(cidr.substring(slash + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            if (prefix < 0 || prefix > max) {
                return null;
            }
        }
        int prefixBits = family == 4 ? 96 + prefix : prefix;
        return new IpRange(bits[0] & mask(prefixBits, 0), bits[1] & mask(prefixBits, 1), prefixBits);
    }

    boolean contains(String address, long[] scratch) {
        if (parse(address, scratch) == 0) {
            return false;
        }
        return (scratch[0] & mask(prefixBits, 0)) == high && (scratch[1] & mask(prefixBits, 1)) == low;
    }

    private static long mask(int prefixBits, int word) {
        int bits = Math.max(0, Math.min(64, prefixBits - word * 64));
        return bits == 0 ? 0 : -1L << (64 - bits);
    }

    /** Parses into {@code out} (two 64-bit words); returns 4, 6, or 0 when the text is no address. */
    static int parse(String text, long[] out) {
        if (text.indexOf(':') < 0) {
            long v4 = parseV4(text, 0, text.length());
            if (v4 < 0) {
                return 0;
            }
            out[0] = 0;
            out[1] = 0xffffL << 32 | v4;
            return 4;
        }
        return parseV6(text, out) ? 6 : 0;
    }

    private static long parseV4(String text, int from, int to) {
        long value = 0;
        int octets = 0;
        int i = from;
        while (octets < 4) {
            int start = i;
            int octet = 0;
            while (i < to && i - start < 3 && Character.isDigit(text.charAt(i)) && text.charAt(i) < 128) {
                octet = octet * 10 + (text.charAt(i) - '0');
                i++;
            }
            if (i == start || octet > 255 || (i - start > 1 && text.charAt(start) == '0')) {
                return -1;
            }
            value = value << 8 | octet;
            octets++;
            if (octets < 4) {
                if (i >= to || text.charAt(i) != '.') {
                    return -1;
                }
                i++;
            }
        }
        return i == to ? value : -1;
    }

    private static boolean parseV6(String text, long[] out) {
        int length = text.length();
        long head0 = 0;
        long head1 = 0;
        int headCount = 0;
        long tail0 = 0;
        long tail1 = 0;
        int tailCount = 0;
        boolean gap = false;
        int i = 0;
        if (text.startsWith("::")) {
            gap = true;
            i = 2;
        }
        while (i < length) {
            int start = i;
            int value = 0;
            while (i < length && i - start < 4 && Character.digit(text.charAt(i), 16) >= 0 && text.charAt(i) < 128) {
                value = value << 4 | Character.digit(text.charAt(i), 16);
                i++;
            }
            if (i < length && text.charAt(i) == '.') {
                // An embedded IPv4 address ends the text and fills two groups.
                long v4 = parseV4(text, start, length);
                if (v4 < 0) {
                    return false;
                }
                for (int half = 0; half < 2; half++) {
                    int group = (int) (half == 0 ? v4 >>> 16 : v4 & 0xffff);
                    if (gap) {
                        tail0 = tail0 << 16 | (tail1 >>> 48);
                        tail1 = tail1 << 16 | group;
                        tailCount++;
                    } else {
                        head0 = head0 << 16 | (head1 >>> 48);
                        head1 = head1 << 16 | group;
                        headCount++;
                    }
                }
                i = length;
                break;
            }
            if (i == start) {
                return false;
            }
            if (gap) {
                tail0 = tail0 << 16 | (tail1 >>> 48);
                tail1 = tail1 << 16 | value;
                tailCount++;
            } else {
                head0 = head0 << 16 | (head1 >>> 48);
                head1 = head1 << 16 | value;
                headCount++;
            }
            if (i == length) {
                break;
            }
            if (text.charAt(i) != ':') {
                return false;
            }
            i++;
            if (i < length && text.charAt(i) == ':') {
                if (gap) {
                    return false;
                }
                gap = true;
                i++;
            } else if (i == length) {
                return false;
            }
        }
        int total = headCount + tailCount;
        if (total > 8 || (!gap && total != 8) || (gap && total == 8)) {
            return false;
        }
        // Head groups go to the top; tail groups stay at the bottom.
        int shift = (8 - headCount) * 16;
        long h0;
        long h1;
        if (shift >= 128) {
            h0 = 0;
            h1 = 0;
        } else if (shift >= 64) {
            h0 = head1 << (shift - 64);
            h1 = 0;
        } else if (shift == 0) {
            h0 = head0;
            h1 = head1;
        } else {
            h0 = head0 << shift | head1 >>> (64 - shift);
            h1 = head1 << shift;
        }
        out[0] = h0 | tail0;
        out[1] = h1 | tail1;
        return true;
    }
}
