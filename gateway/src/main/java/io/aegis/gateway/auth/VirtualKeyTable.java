package io.aegis.gateway.auth;

import io.aegis.wire.KeyDigest;
import java.util.Arrays;
import java.util.Map;

/**
 * Virtual key hashes to tenants: an immutable open-addressing table probed with a digest, so a
 * lookup allocates nothing. A new table replaces the old one whole when keys change.
 */
public final class VirtualKeyTable {
    private final long[] prefixes;
    private final byte[][] digests;
    private final Tenant[] tenants;
    private final int mask;

    /** Builds a table from hex SHA-256 digests to tenant ids. */
    public VirtualKeyTable(Map<String, String> tenantByKeyHex) {
        int capacity = Integer.highestOneBit(Math.max(4, tenantByKeyHex.size() * 2 + 1) * 2 - 1);
        prefixes = new long[capacity];
        digests = new byte[capacity][];
        tenants = new Tenant[capacity];
        mask = capacity - 1;
        for (Map.Entry<String, String> entry : tenantByKeyHex.entrySet()) {
            byte[] digest = KeyDigest.fromHex(entry.getKey());
            long prefix = prefix(digest);
            int slot = (int) mix(prefix) & mask;
            while (digests[slot] != null) {
                slot = (slot + 1) & mask;
            }
            prefixes[slot] = prefix;
            digests[slot] = digest;
            tenants[slot] = new Tenant(entry.getValue(), KeyDigest.keyId(digest));
        }
    }

    /** The tenant owning the key with this digest, or {@code null}. */
    public Tenant find(byte[] digest) {
        long prefix = prefix(digest);
        int slot = (int) mix(prefix) & mask;
        while (digests[slot] != null) {
            if (prefixes[slot] == prefix && Arrays.equals(digests[slot], digest)) {
                return tenants[slot];
            }
            slot = (slot + 1) & mask;
        }
        return null;
    }

    private static long prefix(byte[] digest) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (digest[i] & 0xff);
        }
        return value;
    }

    private static long mix(long value) {
        // The digest is already uniform; folding the halves keeps the low bits well spread anyway.
        return value ^ (value >>> 32);
    }
}
