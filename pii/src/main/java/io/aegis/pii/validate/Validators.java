package io.aegis.pii.validate;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The named validators a catalogue entry can refer to (built-in and custom types alike). */
public final class Validators {
    private static final Map<String, PiiValidator> BY_NAME = new TreeMap<>();

    static {
        BY_NAME.put("none", PiiValidator.NONE);
        BY_NAME.put("luhn", new CardNumberValidator());
        BY_NAME.put("iban", new IbanValidator());
        BY_NAME.put("us_ssn", new UsSsnValidator());
        BY_NAME.put("ipv4", new Ipv4Validator());
        BY_NAME.put("ipv6", new Ipv6Validator());
        BY_NAME.put("ip", new IpAddressValidator());
        BY_NAME.put("email", new EmailValidator());
        BY_NAME.put("phone", new PhoneValidator());
        BY_NAME.put("token", new TokenBoundaryValidator());
        BY_NAME.put("word", (text, limit, start, end) -> Bytes.alnumBounded(text, limit, start, end));
    }

    private Validators() {
    }

    /** The validator called {@code name}, or {@code null}. */
    public static PiiValidator byName(String name) {
        return BY_NAME.get(name);
    }

    public static Set<String> names() {
        return BY_NAME.keySet();
    }
}
