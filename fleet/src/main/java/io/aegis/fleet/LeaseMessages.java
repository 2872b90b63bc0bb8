package io.aegis.fleet;

import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The budget cluster's messages, little-endian: a type byte, then fixed fields, then short strings
 * (a length byte and ASCII/UTF-8 bytes). Ingress: {@link #LIMIT}, {@link #GRANT}, {@link #REPORT};
 * egress: {@link #GRANTED}.
 */
public final class LeaseMessages {
    /** Sets a scope's limit: limit, the end of the scope's window (epoch ms), scope. */
    public static final byte LIMIT = 1;
    /** Asks for room (or, wanting 0, renews): correlation id, want, ttl, granted so far as the gateway knows it, scope, gateway. */
    public static final byte GRANT = 2;
    /** Reports the gateway's running totals of spend settled and room handed back: settled, returned, scope, gateway. */
    public static final byte REPORT = 3;
    /** Answers a grant: correlation id, granted, expires at (cluster ms), scope. */
    public static final byte GRANTED = 4;

    private LeaseMessages() {
    }

    public static int limit(MutableDirectBuffer out, String scope, long limitNanos, long untilMillis) {
        out.putByte(0, LIMIT);
        out.putLong(1, limitNanos);
        out.putLong(9, untilMillis);
        return string(out, 17, scope);
    }

    /** An ask (or a renewal, wanting 0); {@code knownGrantedNanos} -1 when the sender does not say. */
    public static int grant(MutableDirectBuffer out, long correlationId, String scope, String gateway, long wantNanos,
                            long ttlMillis, long knownGrantedNanos) {
        out.putByte(0, GRANT);
        out.putLong(1, correlationId);
        out.putLong(9, wantNanos);
        out.putLong(17, ttlMillis);
        out.putLong(25, knownGrantedNanos);
        int at = string(out, 33, scope);
        return string(out, at, gateway);
    }

    public static int report(MutableDirectBuffer out, String scope, String gateway, long settledNanos,
                             long returnedNanos) {
        out.putByte(0, REPORT);
        out.putLong(1, settledNanos);
        out.putLong(9, returnedNanos);
        int at = string(out, 17, scope);
        return string(out, at, gateway);
    }

    public static int granted(MutableDirectBuffer out, long correlationId, String scope, long grantedNanos,
                              long expiresAtMillis) {
        out.putByte(0, GRANTED);
        out.putLong(1, correlationId);
        out.putLong(9, grantedNanos);
        out.putLong(17, expiresAtMillis);
        return string(out, 25, scope);
    }

    static int string(MutableDirectBuffer out, int at, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 255) {
            throw new IllegalArgumentException("a scope or gateway id is limited to 255 bytes");
        }
        out.putByte(at, (byte) bytes.length);
        out.putBytes(at + 1, bytes);
        return at + 1 + bytes.length;
    }

    public static String string(DirectBuffer in, int at) {
        int length = in.getByte(at) & 0xff;
        byte[] bytes = new byte[length];
        in.getBytes(at + 1, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The offset just after the string at {@code at}. */
    public static int after(DirectBuffer in, int at) {
        return at + 1 + (in.getByte(at) & 0xff);
    }
}
