package io.aegis.pii.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each case marks the candidate with [[ ]] inside its surrounding text, so the validator sees the
 * neighbours it would see in a real prompt.
 */
class ValidatorsTest {

    private static boolean judge(String validator, String marked) {
        int open = marked.indexOf("[[");
        int close = marked.indexOf("]]");
        String text = marked.substring(0, open) + marked.substring(open + 2, close) + marked.substring(close + 2);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int start = marked.substring(0, open).getBytes(StandardCharsets.UTF_8).length;
        int end = start + marked.substring(open + 2, close).getBytes(StandardCharsets.UTF_8).length;
        PiiValidator v = Validators.byName(validator);
        assertNotNull(v, validator);
        return v.accepts(bytes, bytes.length, start, end);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        // Cards: Luhn-valid numbers of real issuers, in the usual layouts.
        "luhn | pay with [[4111 1111 1111 1111]] today | true",
        "luhn | card:[[4111-1111-1111-1111]]. | true",
        "luhn | [[5555555555554444]] | true",
        "luhn | amex [[378282246310005]] | true",
        "luhn | mc2 [[2223003122003222]] | true",
        "luhn | discover [[6011111111111117]] | true",
        "luhn | jcb [[3530111333300000]] | true",
        // Near misses: Luhn fails, unknown issuer, wrong length, inside a longer number, mixed separators.
        "luhn | [[4111111111111112]] | false",
        "luhn | order [[1234567812345670]] | false",
        "luhn | [[411111111111111]] | false",
        "luhn | 9[[4111111111111111]] | false",
        "luhn | [[4111111111111111]]7 | false",
        "luhn | 0.[[4111111111111111]] | false",
        "luhn | [[4111 1111-1111 1111]] | false",
        "luhn | [[4111  1111 1111 1111]] | false",
        "luhn | ref-[[4111111111111111]] | true",
        // SSN: valid ranges only.
        "us_ssn | ssn [[536-22-1234]] on file | true",
        "us_ssn | [[536 22 1234]] | true",
        "us_ssn | [[000-12-3456]] | false",
        "us_ssn | [[666-12-3456]] | false",
        "us_ssn | [[912-12-3456]] | false",
        "us_ssn | [[536-00-1234]] | false",
        "us_ssn | [[536-22-0000]] | false",
        "us_ssn | [[078-05-1120]] | false",
        "us_ssn | [[536-22 1234]] | false",
        "us_ssn | 1-[[536-22-1234]] | false",
        "us_ssn | [[536-22-1234]]5 | false",
        // IBAN: country length and mod-97.
        "iban | iban [[DE89370400440532013000]] | true",
        "iban | [[GB82 WEST 1234 5698 7654 32]] | true",
        "iban | [[FR1420041010050500013M02606]] | true",
        "iban | [[DE89370400440532013001]] | false",
        "iban | [[DE8937040044053201300]] | false",
        "iban | [[XX89370400440532013000]] | false",
        "iban | [[GB82 WEST 12345698 7654 32]] | false",
        "iban | X[[DE89370400440532013000]] | false",
        // IPv4.
        "ipv4 | from [[192.168.1.20]] at noon | true",
        "ipv4 | [[8.8.8.8]] | true",
        "ipv4 | [[0.0.0.0]] | true",
        "ipv4 | [[256.1.1.1]] | false",
        "ipv4 | [[192.168.01.20]] | false",
        "ipv4 | v[[1.2.3.4]] | false",
        "ipv4 | version [[1.2.3.4]].5 | false",
        "ipv4 | 7.[[1.2.3.4]] | false",
        // IPv6.
        "ipv6 | [[2001:db8::8a2e:370:7334]] | true",
        "ipv6 | [[2001:0db8:85a3:0000:0000:8a2e:0370:7334]] | true",
        "ipv6 | [[::1]] | true",
        "ipv6 | [[fe80::1]] | true",
        "ipv6 | [[::ffff:192.0.2.128]] | true",
        "ipv6 | at [[12:30:45]] | false",
        "ipv6 | mac [[00:1a:2b:3c:4d:5e]] | false",
        "ipv6 | [[2001:db8::1::2]] | false",
        "ipv6 | [[2001:db8:0:0:0:0:0:0:1]] | false",
        "ipv6 | [[12345::1]] | false",
        // E-mail.
        "email | mail [[jane.doe+tag@mail.example.co.uk]] please | true",
        "email | <[[bob@example.com]]> | true",
        "email | https://host/u/[[alice@example.org]]/profile | true",
        "email | [[.bob@example.com]] | false",
        "email | [[bob..x@example.com]] | false",
        "email | [[bob@-example.com]] | false",
        "email | [[bob@example.c]] | false",
        "email | [[bob@example.123]] | false",
        "email | [[logo@2x.png]] | false",
        "email | [[pkg@scripts.js]] | false",
        "email | [[bob@example.com]]x | false",
        // Phones.
        "phone | call [[(415) 555-0132]] now | true",
        "phone | [[415-555-0132]] | true",
        "phone | [[+1 415 555 0132]] | true",
        "phone | [[1-800-555-0199]] | true",
        "phone | [[+44 20 7946 0958]] | true",
        "phone | [[+49 30 1234567]] | true",
        "phone | [[4155550132]] | false",
        "phone | [[415-155-0132]] | false",
        "phone | [[411-555-0132]] | false",
        "phone | [[+0 20 7946 0958]] | false",
        "phone | [[+44 20]] | false",
        "phone | 9[[415-555-0132]] | false",
        "phone | [[415-555-0132]]-7 | false",
        // Keys with a fixed prefix must stand alone.
        "token | key=[[AKIAIOSFODNN7EXAMPLE]] | true",
        "token | X[[AKIAIOSFODNN7EXAMPLE]] | false",
        "token | [[AKIAIOSFODNN7EXAMPLE]]_old | false",
    })
    void judgesCandidatesInContext(String validator, String marked, boolean expected) {
        assertEquals(expected, judge(validator.trim(), marked.trim()), marked);
    }
}
