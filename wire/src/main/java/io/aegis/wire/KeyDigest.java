package io.aegis.wire;

import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 of caller keys with one digest and one scratch buffer per thread, so hashing a key on the
 * event loop allocates nothing. Keys are stored and compared only as these digests.
 */
public final class KeyDigest {
    /** Digest length in bytes. */
    public static final int LENGTH = 32;
    /** A key id is this many leading bytes of the digest: short to read, and never the key. */
    private static final int KEY_ID_BYTES = 6;

    private static final FastThreadLocal<KeyDigest> PER_THREAD = new FastThreadLocal<>() {
        @Override
        protected KeyDigest initialValue() {
            return new KeyDigest();
        }
    };
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final MessageDigest sha256;
    private byte[] keyBytes = new byte[128];
    private final byte[] digest = new byte[LENGTH];

    private KeyDigest() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The calling thread's digester. */
    public static KeyDigest current() {
        return PER_THREAD.get();
    }

    /**
     * Hashes {@code key} into this thread's digest buffer and returns it; the array is overwritten by
     * the next call on the same thread.
     */
    public byte[] sha256(CharSequence key) {
        int length = key.length();
        boolean ascii = true;
        if (keyBytes.length < length) {
            keyBytes = new byte[Math.max(length, keyBytes.length * 2)];
        }
        for (int i = 0; i < length; i++) {
            char c = key.charAt(i);
            if (c > 0x7f) {
                ascii = false;
                break;
            }
            keyBytes[i] = (byte) c;
        }
        if (ascii) {
            sha256.update(keyBytes, 0, length);
        } else {
            sha256.update(key.toString().getBytes(StandardCharsets.UTF_8));
        }
        try {
            sha256.digest(digest, 0, LENGTH);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        return digest;
    }

    /** Lower-case hex of a whole digest, as written in config ({@code sha256:<hex>}). */
    public static String hex(byte[] digest) {
        return hex(digest, digest.length);
    }

    /** Lower-case hex of the first {@code bytes} bytes. */
    public static String hex(byte[] digest, int bytes) {
        char[] out = new char[bytes * 2];
        for (int i = 0; i < bytes; i++) {
            out[2 * i] = HEX[(digest[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[digest[i] & 0xf];
        }
        return new String(out);
    }

    /** Parses 64 hex digits into a digest. */
    public static byte[] fromHex(String hex) {
        if (hex.length() != LENGTH * 2) {
            throw new IllegalArgumentException("a SHA-256 digest is 64 hex digits");
        }
        byte[] out = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            out[i] = (byte) Integer.parseInt(hex, 2 * i, 2 * i + 2, 16);
        }
        return out;
    }

    /** The key id shown in traces and the control API: the first 6 bytes of the hash, in hex. */
    public static String keyId(byte[] digest) {
        return hex(digest, KEY_ID_BYTES);
    }

    /** The same key id, from a digest already in hex (as config and the config store hold it). */
    public static String keyIdFromHex(String sha256Hex) {
        return sha256Hex.substring(0, KEY_ID_BYTES * 2);
    }
}
