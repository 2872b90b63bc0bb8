package io.aegis.gateway.proxy;

import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C trace context for one request: the caller's trace id is kept when its {@code traceparent} is
 * valid, a new one is made otherwise, and the gateway's own span id becomes the parent upstream.
 */
final class TraceContext {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private String traceId;
    private String spanId;
    private String flags;

    /** Starts the context from the caller's {@code traceparent} header, which may be {@code null}. */
    void begin(String inbound) {
        if (inbound != null && isValid(inbound)) {
            traceId = inbound.substring(3, 35);
            flags = inbound.substring(53, 55);
        } else {
            traceId = randomHex(16);
            flags = "01";
        }
        spanId = randomHex(8);
    }

    String traceId() {
        return traceId;
    }

    String spanId() {
        return spanId;
    }

    /** The {@code traceparent} to send upstream. */
    String outbound() {
        return "00-" + traceId + "-" + spanId + "-" + flags;
    }

    /** Version 00 form: {@code 00-<32 hex>-<16 hex>-<2 hex>}, ids not all zero (W3C Trace Context §3.2). */
    static boolean isValid(String value) {
        if (value.length() != 55 || !value.startsWith("00-") || value.charAt(35) != '-' || value.charAt(52) != '-') {
            return false;
        }
        return isHex(value, 3, 35) && isHex(value, 36, 52) && isHex(value, 53, 55)
                && !allZero(value, 3, 35) && !allZero(value, 36, 52);
    }

    private static boolean isHex(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean allZero(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            if (value.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    private static String randomHex(int bytes) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] out = new char[bytes * 2];
        long bits = 0;
        boolean allZero = true;
        for (int i = 0; i < bytes; i++) {
            if ((i & 7) == 0) {
                bits = random.nextLong();
            }
            int b = (int) (bits & 0xff);
            bits >>>= 8;
            allZero &= b == 0;
            out[2 * i] = HEX[b >> 4];
            out[2 * i + 1] = HEX[b & 0xf];
        }
        if (allZero) {
            out[out.length - 1] = '1';
        }
        return new String(out);
    }
}
