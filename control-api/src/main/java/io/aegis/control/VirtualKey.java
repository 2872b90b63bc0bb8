package io.aegis.control;

import io.aegis.wire.KeyDigest;

/**
 * A newly issued virtual key: {@code aeg-} and 32 random bytes in base 62. Only its SHA-256 is
 * stored; the key itself is shown once, in the answer that issued it.
 *
 * @param key       the key, for the caller that asked for it and nobody else
 * @param sha256Hex lower-case hex SHA-256 of the key (what the config store keeps)
 * @param id        the short id traces and the API use: the first 6 bytes of the hash, in hex
 */
public record VirtualKey(String key, String sha256Hex, String id) {
    public static VirtualKey issue() {
        String key = "aeg-" + AdminToken.Base62.random(32);
        String hex = sha256Hex(key);
        return new VirtualKey(key, hex, idOf(hex));
    }

    public static String sha256Hex(String key) {
        return KeyDigest.hex(KeyDigest.current().sha256(key));
    }

    /** The id of a key given by its hex hash (the gateway shows the same in traces). */
    public static String idOf(String sha256Hex) {
        return KeyDigest.keyIdFromHex(sha256Hex);
    }

    @Override
    public String toString() {
        return "VirtualKey[id=" + id + "]"; // never the key
    }
}
