package io.aegis.pii.validate;

/** IPv4 or IPv6, told apart by the candidate itself: an address with a colon is IPv6. */
public final class IpAddressValidator implements PiiValidator {
    private final Ipv4Validator ipv4 = new Ipv4Validator();
    private final Ipv6Validator ipv6 = new Ipv6Validator();

    @Override
    public boolean accepts(byte[] text, int limit, int start, int end) {
        for (int i = start; i < end; i++) {
            if (text[i] == ':') {
                return ipv6.accepts(text, limit, start, end);
            }
        }
        return ipv4.accepts(text, limit, start, end);
    }
}
