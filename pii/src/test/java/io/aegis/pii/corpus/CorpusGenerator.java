package io.aegis.pii.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A labelled evaluation corpus: chat messages, log lines and JSON snippets with planted values of
 * every type, and hard near-misses that must not be found (Luhn-invalid card numbers, SSNs and IBANs
 * that fail their rules, out-of-range addresses, UUIDs, git SHAs, order numbers, dates, prices,
 * versions, times, MAC addresses, bare ids). Seeded, so a failure reproduces.
 */
public final class CorpusGenerator {
    /** A planted value: its type and its span in {@link Sample#text()}, in chars, end exclusive. */
    public record Planted(String type, int start, int end) {
    }

    /** One snippet and the values planted in it. */
    public record Sample(String text, List<Planted> planted) {
    }

    private static final String[] FIRST = {"jane", "john", "maria", "wei", "ahmed", "olga", "luis", "sara", "kim",
        "noah", "emma", "liam", "ava", "mateo", "zoe", "ines", "yuki", "omar", "priya", "lars"};
    private static final String[] LAST = {"doe", "smith", "garcia", "chen", "khan", "ivanova", "martinez", "lee",
        "nguyen", "muller", "rossi", "silva", "tanaka", "okafor", "patel", "larsen"};
    private static final String[] DOMAINS = {"example.com", "mail.example.org", "corp.example.co.uk", "acme.io",
        "post.example.de", "uni.example.edu", "shop-example.net", "example.fr"};
    private static final String[] NAMES = {"José", "Zoë", "王芳", "Müller", "Ólafur", "Chloé", "Søren", "Ана"};
    private static final String[] TYPES = {"EMAIL", "PHONE", "CREDIT_CARD", "US_SSN", "IBAN", "IP_ADDRESS", "API_KEY"};

    private final Random random;

    public CorpusGenerator(long seed) {
        this.random = new Random(seed);
    }

    public List<Sample> samples(int count) {
        List<Sample> samples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            samples.add(sample());
        }
        return samples;
    }

    private Sample sample() {
        Builder b = new Builder();
        int form = random.nextInt(3);
        int parts = 1 + random.nextInt(3);
        if (form == 2) {
            b.text("{");
        }
        for (int i = 0; i < parts; i++) {
            if (form == 0) {
                chat(b);
            } else if (form == 1) {
                log(b);
            } else {
                json(b, i == 0);
            }
        }
        if (form == 2) {
            b.text("}");
        }
        return b.build();
    }

    private void chat(Builder b) {
        String name = random.nextBoolean() ? NAMES[random.nextInt(NAMES.length)] : cap(FIRST[random.nextInt(FIRST.length)]);
        switch (random.nextInt(9)) {
            case 0: b.text("Hi, I'm " + name + ". Reach me at ").pii("EMAIL", email()).text(" or ").pii("PHONE", phone()).text(". "); break;
            case 1: b.text("My card is ").pii("CREDIT_CARD", card()).text(", expiry 09/27, CVV on the back. "); break;
            case 2: b.text("Please wire the deposit to ").pii("IBAN", iban()).text(" by Friday. "); break;
            case 3: b.text(name + "'s SSN is ").pii("US_SSN", ssn()).text(", keep it private. "); break;
            case 4: b.text("The server at ").pii("IP_ADDRESS", ip()).text(" stopped answering at ").text(time())
                    .text(". Its peer was ").pii("IP_ADDRESS", ip()).text(". "); break;
            case 5: b.text("Use this key for staging: ").pii("API_KEY", apiKey()).text(" — rotate it later. "); break;
            case 6: b.text("Order ").text(orderNumber()).text(" shipped on ").text(date()).text(" for ").text(price()).text(". "); break;
            case 7: b.text("Build ").text(version()).text(" (commit ").text(sha()).text(") fixed ticket ").text(uuid()).text(". "); break;
            default: b.text("Card ").text(nearMissCard()).text(" was declined; ref ").text(bareId()).text(", ")
                    .text(nearMissSsn()).text(" is not valid, nor ").text(nearMissIban()).text(". ");
        }
    }

    private void log(Builder b) {
        b.text(date() + "T" + time() + "Z ");
        switch (random.nextInt(6)) {
            case 0: b.text("INFO user=").pii("EMAIL", email()).text(" ip=").pii("IP_ADDRESS", ip()).text(" path=/v1/messages status=200 took=12ms\n"); break;
            case 1: b.text("WARN payment declined card=").pii("CREDIT_CARD", card()).text(" amount=").text(price()).text("\n"); break;
            case 2: b.text("DEBUG auth header x-api-key=").pii("API_KEY", apiKey()).text(" request_id=").text(uuid()).text("\n"); break;
            case 3: b.text("INFO callback to ").pii("PHONE", phone()).text(" queued id=").text(bareId()).text("\n"); break;
            case 4: b.text("ERROR bad address ").text(nearMissIp()).text(" from mac ").text(mac()).text(" build ").text(version()).text("\n"); break;
            default: b.text("INFO sepa transfer to ").pii("IBAN", iban()).text(" ssn=").pii("US_SSN", ssn()).text("\n");
        }
    }

    private void json(Builder b, boolean first) {
        b.text(first ? "" : ",");
        switch (random.nextInt(5)) {
            case 0: b.text("\"email\":\"").pii("EMAIL", email()).text("\",\"id\":\"").text(uuid()).text("\""); break;
            case 1: b.text("\"phone\":\"").pii("PHONE", phone()).text("\",\"order\":\"").text(orderNumber()).text("\""); break;
            case 2: b.text("\"client_ip\":\"").pii("IP_ADDRESS", ip()).text("\",\"sha\":\"").text(sha()).text("\""); break;
            case 3: b.text("\"token\":\"").pii("API_KEY", apiKey()).text("\",\"price\":\"").text(price()).text("\""); break;
            default: b.text("\"note\":\"paid with ").pii("CREDIT_CARD", card()).text(" on ").text(date()).text("\"");
        }
    }

    // ---- values that are PII ----

    String email() {
        String first = FIRST[random.nextInt(FIRST.length)];
        String last = LAST[random.nextInt(LAST.length)];
        String local;
        switch (random.nextInt(4)) {
            case 0: local = first + "." + last; break;
            case 1: local = first + last + random.nextInt(100); break;
            case 2: local = first.charAt(0) + "_" + last; break;
            default: local = first + "+news"; break;
        }
        return local + "@" + DOMAINS[random.nextInt(DOMAINS.length)];
    }

    String phone() {
        int area = 200 + random.nextInt(800);
        while (area % 100 == 11) {
            area = 200 + random.nextInt(800);
        }
        int exchange = 200 + random.nextInt(800);
        String line = String.format("%04d", random.nextInt(10000));
        switch (random.nextInt(13)) {
            case 12: return "+1" + area + exchange + line; // E.164, compact
            case 7: return area + " " + exchange + " " + line;
            case 8: return "+1-" + area + "-" + exchange + "-" + line;
            case 9: return "+1 (" + area + ") " + exchange + "-" + line;
            case 10: return "+4420" + (7000 + random.nextInt(3000)) + line;
            case 11: return "+81 3 " + (1000 + random.nextInt(9000)) + " " + line;
            case 0: return "(" + area + ") " + exchange + "-" + line;
            case 1: return area + "-" + exchange + "-" + line;
            case 2: return area + "." + exchange + "." + line;
            case 3: return "+1 " + area + " " + exchange + " " + line;
            case 4: return "+44 20 " + (7000 + random.nextInt(3000)) + " " + line;
            case 5: return "+49 30 " + (1000000 + random.nextInt(9000000));
            default: return "+33 1 " + two() + " " + two() + " " + two() + " " + two();
        }
    }

    String card() {
        String digits;
        switch (random.nextInt(9)) {
            case 0: digits = luhnComplete("4" + digits(14)); break;
            case 1: digits = luhnComplete("5" + (1 + random.nextInt(5)) + digits(13)); break;
            case 2: digits = luhnComplete("3" + (random.nextBoolean() ? "4" : "7") + digits(12)); break;
            case 3: digits = luhnComplete("4" + digits(11)); break; // Visa, 13 digits
            case 4: digits = luhnComplete("4" + digits(17)); break; // Visa, 19 digits
            case 5: digits = luhnComplete("30" + random.nextInt(6) + digits(10)); break; // Diners, 14 digits
            case 6: digits = luhnComplete("35" + (28 + random.nextInt(62)) + digits(11)); break; // JCB
            case 7: digits = luhnComplete("6759" + digits(11 + random.nextInt(4))); break; // Maestro, 16-19
            default: digits = luhnComplete("6011" + digits(11)); break;
        }
        return formatCard(digits);
    }

    String ssn() {
        int area = 1 + random.nextInt(899);
        if (area == 666) {
            area = 665;
        }
        String sep = random.nextInt(4) == 0 ? " " : "-";
        return String.format("%03d", area) + sep + String.format("%02d", 1 + random.nextInt(99)) + sep
                + String.format("%04d", 1 + random.nextInt(9999));
    }

    String iban() {
        String country;
        String bban;
        switch (random.nextInt(7)) {
            case 0: country = "DE"; bban = digits(18); break;
            case 4: country = "IR"; bban = digits(22); break;
            case 5: country = "ES"; bban = digits(20); break;
            case 6: country = "PL"; bban = digits(24); break;
            case 1: country = "GB"; bban = letters(4) + digits(14); break;
            case 2: country = "NL"; bban = letters(4) + digits(10); break;
            default: country = "FR"; bban = digits(10) + letters(1) + digits(10) + digits(2); break;
        }
        String iban = country + checkDigits(country, bban) + bban;
        return random.nextBoolean() ? iban : spaced(iban);
    }

    String ip() {
        if (random.nextInt(3) == 0) {
            String[] groups = new String[8];
            for (int g = 0; g < 8; g++) {
                groups[g] = Integer.toHexString(random.nextInt(0x10000));
            }
            if (random.nextInt(4) == 0) {
                return String.join(":", groups);
            }
            if (random.nextInt(6) == 0) {
                return "::ffff:" + (1 + random.nextInt(223)) + "." + random.nextInt(256) + "." + random.nextInt(256)
                        + "." + (1 + random.nextInt(254));
            }
            // Compress a run of one to three groups to "::", as RFC 5952 writers do for zeros.
            int from = random.nextInt(8);
            int length = 1 + random.nextInt(Math.min(3, 8 - from));
            return String.join(":", java.util.Arrays.copyOfRange(groups, 0, from)) + "::"
                    + String.join(":", java.util.Arrays.copyOfRange(groups, from + length, 8));
        }
        return (1 + random.nextInt(223)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "."
                + (1 + random.nextInt(254));
    }

    String apiKey() {
        switch (random.nextInt(6)) {
            case 0: return "AKIA" + upperAlnum(16);
            case 1: return "ghp_" + alnum(36);
            case 2: return "sk-proj-" + keyChars(48);
            case 3: return "AIza" + keyChars(35);
            case 4: return "xoxb-" + digits(11) + "-" + digits(12) + "-" + alnum(24);
            default: return "sk-ant-api03-" + keyChars(80);
        }
    }

    // ---- near misses: none of these is PII ----

    private String nearMissCard() {
        String valid = luhnComplete("4" + digits(14));
        int last = valid.charAt(15) - '0';
        return formatCard(valid.substring(0, 15) + ((last + 1 + random.nextInt(8)) % 10));
    }

    private String nearMissSsn() {
        switch (random.nextInt(4)) {
            case 0: return "000-" + two() + "-" + String.format("%04d", 1 + random.nextInt(9999));
            case 1: return "666-" + two() + "-" + String.format("%04d", 1 + random.nextInt(9999));
            case 2: return (900 + random.nextInt(100)) + "-" + two() + "-" + String.format("%04d", 1 + random.nextInt(9999));
            default: return String.format("%03d", 1 + random.nextInt(665)) + "-00-" + String.format("%04d", random.nextInt(10000));
        }
    }

    private String nearMissIban() {
        String bban = digits(18);
        String check = checkDigits("DE", bban);
        String wrong = String.format("%02d", (Integer.parseInt(check) + 1 + random.nextInt(90)) % 97 + 2);
        return "DE" + (wrong.equals(check) ? "00" : wrong) + bban;
    }

    private String nearMissIp() {
        return (256 + random.nextInt(700)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
    }

    private String uuid() {
        return hex(8) + "-" + hex(4) + "-4" + hex(3) + "-a" + hex(3) + "-" + hex(12);
    }

    private String sha() {
        return hex(40);
    }

    private String orderNumber() {
        return "ORD-" + (2020 + random.nextInt(6)) + "-" + String.format("%06d", random.nextInt(1000000));
    }

    private String bareId() {
        return (1 + random.nextInt(9)) + digits(9);
    }

    private String date() {
        return (2020 + random.nextInt(6)) + "-" + String.format("%02d", 1 + random.nextInt(12)) + "-"
                + String.format("%02d", 1 + random.nextInt(28));
    }

    private String time() {
        return String.format("%02d:%02d:%02d", random.nextInt(24), random.nextInt(60), random.nextInt(60));
    }

    private String price() {
        return (random.nextBoolean() ? "$" : "€") + (1 + random.nextInt(9)) + "," + String.format("%03d", random.nextInt(1000))
                + "." + two();
    }

    private String version() {
        return "v" + random.nextInt(5) + "." + random.nextInt(30) + "." + random.nextInt(20);
    }

    private String mac() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            out.append(i == 0 ? "" : ":").append(hex(2));
        }
        return out.toString();
    }

    // ---- helpers ----

    private String formatCard(String digits) {
        switch (random.nextInt(3)) {
            case 0: return digits;
            case 1: return group(digits, ' ');
            default: return group(digits, '-');
        }
    }

    private static int[] fours(int length) {
        int[] sizes = new int[(length + 3) / 4];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = Math.min(4, length - 4 * i);
        }
        return sizes;
    }

    private static String group(String digits, char sep) {
        StringBuilder out = new StringBuilder();
        // Amex in 4-6-5; Diners' 14 digits in 4-6-4 or fours; everything else in fours, the last group shorter.
        int[] sizes = digits.length() == 15 ? new int[] {4, 6, 5}
                : digits.length() == 14 && digits.hashCode() % 2 == 0 ? new int[] {4, 6, 4}
                : fours(digits.length());
        int at = 0;
        for (int size : sizes) {
            out.append(at == 0 ? "" : String.valueOf(sep)).append(digits, at, at + size);
            at += size;
        }
        return out.toString();
    }

    static String luhnComplete(String partial) {
        for (int check = 0; check < 10; check++) {
            String candidate = partial + check;
            int sum = 0;
            boolean dbl = false;
            for (int i = candidate.length() - 1; i >= 0; i--) {
                int d = candidate.charAt(i) - '0';
                if (dbl) {
                    d = d * 2 > 9 ? d * 2 - 9 : d * 2;
                }
                sum += d;
                dbl = !dbl;
            }
            if (sum % 10 == 0) {
                return candidate;
            }
        }
        throw new IllegalStateException();
    }

    static String checkDigits(String country, String bban) {
        String rearranged = bban + country + "00";
        int remainder = 0;
        for (char c : rearranged.toCharArray()) {
            int value = Character.isDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = (value > 9 ? remainder * 100 + value : remainder * 10 + value) % 97;
        }
        return String.format("%02d", 98 - remainder);
    }

    private static String spaced(String iban) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < iban.length(); i += 4) {
            out.append(i == 0 ? "" : " ").append(iban, i, Math.min(iban.length(), i + 4));
        }
        return out.toString();
    }

    private String digits(int n) {
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            out.append((char) ('0' + random.nextInt(10)));
        }
        return out.toString();
    }

    private String letters(int n) {
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            out.append((char) ('A' + random.nextInt(26)));
        }
        return out.toString();
    }

    private String hex(int n) {
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            out.append("0123456789abcdef".charAt(random.nextInt(16)));
        }
        return out.toString();
    }

    private String alnum(int n) {
        return pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", n);
    }

    private String upperAlnum(int n) {
        return pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", n);
    }

    private String keyChars(int n) {
        return pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", n);
    }

    private String pick(String alphabet, int n) {
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    private String two() {
        return String.format("%02d", random.nextInt(100));
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static List<String> types() {
        return List.of(TYPES);
    }

    /** Appends text and planted values, keeping their spans. */
    private static final class Builder {
        private final StringBuilder text = new StringBuilder();
        private final List<Planted> planted = new ArrayList<>();

        Builder text(String s) {
            text.append(s);
            return this;
        }

        Builder pii(String type, String value) {
            planted.add(new Planted(type, text.length(), text.length() + value.length()));
            text.append(value);
            return this;
        }

        Sample build() {
            return new Sample(text.toString(), planted);
        }
    }
}
